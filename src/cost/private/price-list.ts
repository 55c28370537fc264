import { AP_SOUTHEAST_1 } from './prices/ap-southeast-1';
import { EU_CENTRAL_1 } from './prices/eu-central-1';
import { EU_WEST_1 } from './prices/eu-west-1';
import { PriceFigure, RegionPriceList } from './prices/figure';
import { US_EAST_1 } from './prices/us-east-1';
import { US_WEST_2 } from './prices/us-west-2';

export type { PriceFigure, RegionPriceList };

/*
 * The prices the cost estimator uses, one file per Region under prices/: one figure per line,
 * each with the page it comes from and the date it was read. List prices in USD, on-demand,
 * first tier, no free tier subtracted.
 *
 * Update a figure by changing its line there (and its `asOf`); the estimator's tests recompute
 * their expected figures by hand, so a changed price shows up as a failing test to update.
 */


/** The prices of a whole price list. @internal */
export interface PriceList {
  /** The newest `asOf` of all figures. */
  readonly asOf: string;
  /** Region -> its prices. */
  readonly regions: Record<string, RegionPriceList>;
}

/** @internal */
export const PRICE_LIST: PriceList = {
  asOf: '2026-12-07',
  regions: {
    'us-east-1': US_EAST_1,
    'eu-central-1': EU_CENTRAL_1,
    'us-west-2': US_WEST_2,
    'eu-west-1': EU_WEST_1,
    'ap-southeast-1': AP_SOUTHEAST_1,
  },
};
