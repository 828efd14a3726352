// Runs once before any test file: builds the web app into web/dist a single time. The browser
// tests' servers run side by side and serve web/dist; a build started by one of them (Vite
// empties web/dist first) would pull the page out from under the others.
import { buildWeb } from './e2e/harness.ts';

export default function setup(): void {
  buildWeb();
}
