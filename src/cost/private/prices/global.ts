import { p, u } from './figure';
import { CLOUDFRONT } from './sources';

// CloudFront is a global service: its Functions and KeyValueStore have the same prices whatever the Region of
// the stack that creates it. No monthly fee per store.

/** Reads of a KeyValueStore from CloudFront Functions (`get`, `exists`, `meta`). @internal */
export const KVS_MILLION_READS = u(0.03, 'million reads', CLOUDFRONT, '2026-12-07',
  'billed as KeyValueStore-EdgeReads; quoted from the pricing page ("CloudFront KeyValueStore") in three public notes, '
  + 'the page\'s table loads by script and was not read here');

/** Calls to the KeyValueStore API (Describe, PutKey, DeleteKey, UpdateKeys, ListKeys...). @internal */
export const KVS_THOUSAND_API_CALLS = u(1, '1,000 API calls', CLOUDFRONT, '2026-12-07',
  'billed as KeyValueStore-APIOperations; one secondary quote of the pricing page ($1.00 per 1,000 calls): re-check');

/** Invocations of a CloudFront Function (the front door's viewer-request function runs on every request). @internal */
export const FUNCTION_MILLION_INVOCATIONS = p(0.1, 'million invocations',
  'https://cur.vantage.sh/aws/amazoncloudfront/ (billing code Executions-CloudFrontFunctions: "Invocation pricing is $0.10 per 1 million invocations")',
  '2026-12-07');
