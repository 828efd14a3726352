/**
 * The confidence (0-100) each piece of evidence is worth, in one place so that the scale can be
 * read and reviewed. With the default threshold of 90, a proposal applies itself only when both
 * the customer and the items are at least that sure.
 */
export const SCORE = {
  // Who paid.
  accountNumberStated: 95,
  accountNumberLabelled: 90,
  accountNumberBare: 75,
  learnedAccount: 94,
  learnedAccountConfirmedTwice: 97,
  sharedAccount: 40,
  /** A shared payer account, and only one of its customers has an item of exactly the amount. */
  sharedAccountAmountUnique: 92,
  referenceExact: 92,
  referenceVariant: 85,
  referenceBare: 75,
  referencesAgreeBonus: 3,
  nameExact: 85,
  nameStrong: 75,
  nameWeak: 60,
  nameAmbiguous: 50,
  /** A payer name that fits a few customers equally; only one has an item of the amount. */
  nameTwinAmountUnique: 92,
  /** Cap when the payer is nobody we know: no name, account or learned-account evidence. */
  thirdPartyCap: 85,
  /** What a unique amount fit on the customer's own items adds to the customer evidence. */
  amountCorroboration: 70,
  /** Cap when the amount fits a second candidate customer just as well. */
  amountFitsAnotherCustomer: 70,

  // Which items, from references.
  linesExact: 98,
  linesVariant: 96,
  typoConfirmed: 93,
  typoUnconfirmed: 70,
  shortPayExplained: 94,
  shortPayUnexplainedLine: 90,
  unearnedDiscount: 90,
  lineOverpaid: 85,
  lineInconsistent: 65,
  mostlyUnpaid: 70,
  remittanceOverstates: 60,
  textTies: 96,
  textVariantTies: 95,
  textDiscountTies: 95,
  textShortWithinTolerance: 93,
  textShortBeyondTolerance: 90,
  textPaysSubset: 80,
  referenceNotFound: 80,
  referenceNotFoundUnmatched: 60,
  conflictingAmount: 60,
  unexplainedRemainder: 85,

  // Which items, from the amount alone.
  exactAmount: 92,
  /** A round amount from a customer who pays on account may equal an item by chance. */
  exactRoundOnAccount: 80,
  discountedSingle: 90,
  combinationLikely: 92,
  combinationFair: 90,
  combinationWeak: 85,
  combinationUnlikely: 75,
  combinationIncomplete: 70,
  shortWithinTolerance: 88,
  overWithinTolerance: 85,
  /**
   * The amount is exactly one item's open balance less the discount its terms allowed only
   * until a date already past: applied, with the unearned discount a deduction for the
   * collector (never written off).
   */
  unearnedDiscountSingle: 90,
  /** The same, for what remittance leaves over: one of the items it names may be the one. */
  unearnedDiscountRemainder: 80,
  otherRuleAlsoFits: 75,
  duplicateAmounts: 50,
  oldestFirst: 70,
  /** One of several items of the same amount, picked as the oldest: a guess, for a clerk. */
  duplicateOldest: 70,
};

/** Combines independent evidence for the same answer: 1 - product of (1 - c/100). */
export function noisyOr(...confidences: number[]): number {
  let doubt = 1;
  for (const c of confidences) doubt *= 1 - Math.max(0, Math.min(100, c)) / 100;
  return Math.round((1 - doubt) * 1000) / 10;
}
