/** Hours in a month, as AWS's pricing pages count them. @internal */
export const HOURS_PER_MONTH = 730;
/** @internal */
export const HOURS_PER_WEEK = 168;
/** @internal */
export const WEEKS_PER_MONTH = HOURS_PER_MONTH / HOURS_PER_WEEK;

/** Hours as the notes write them, to one decimal. @internal */
export const hoursText = (h: number) => `${Math.round(h * 10) / 10}`;
