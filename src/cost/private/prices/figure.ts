/**
 * One price of a price list: the figure, its unit, the page it comes from and the date it was
 * read. List prices in USD, on-demand, first tier, no free tier subtracted.
 *
 * @internal
 */
export interface PriceFigure {
  /** The price in USD per `unit`. */
  readonly usd: number;
  /** What one unit is (`hour`, `GB`, `month`, `million requests`, ...). */
  readonly unit: string;
  /** Where the figure comes from (a URL). */
  readonly source: string;
  /** When the figure was read or published (YYYY-MM-DD). */
  readonly asOf: string;
  /**
   * False when the figure could not be read from its source on our machines (AWS's regional
   * price tables load by script) and is the figure as commonly quoted: re-check it.
   */
  readonly verified?: boolean;
  /** How the figure was derived or what to know about it. */
  readonly note?: string;
}

/** A figure read from its source (with what to know about it, if anything). @internal */
export const p = (usd: number, unit: string, source: string, asOf: string, note?: string): PriceFigure =>
  (note ? { usd, unit, source, asOf, note } : { usd, unit, source, asOf });

/** A figure that could not be read for this Region here: as commonly quoted or derived (`note`). @internal */
export const u = (usd: number, unit: string, source: string, asOf: string, note: string): PriceFigure =>
  ({ usd, unit, source, asOf, verified: false, note });
