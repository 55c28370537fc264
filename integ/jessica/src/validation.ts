import type { z } from 'zod';
import { ApiError } from './errors';

/** One line naming the offending field(s), e.g. `text must be a string`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => [...path, key].join('.'));
      return `unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`;
    }
    // Custom messages already start with the field's name.
    const last = path[path.length - 1];
    return last === undefined || issue.message.startsWith(last) ? issue.message : `${path.join('.')}: ${issue.message}`;
  }).join('; ');
}

/** A JSON object (not an array, not null), as request bodies must be. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Keys refused anywhere in a JSON body: `__proto__`, and `constructor` holding an object with a
 * `prototype` key (the two shapes Fastify's secure JSON parser refuses). Parsed with `JSON.parse`
 * they are harmless own properties, but code that merges such a body into another object could
 * change a prototype: they are refused with 400 `forbidden_key`, not passed on.
 */
export const FORBIDDEN_KEYS = ['__proto__', 'constructor'] as const;

/** Thrown by `parseJson` for text that is not JSON. */
export class InvalidJsonError extends Error {
  constructor() {
    super('not valid JSON');
    this.name = 'InvalidJsonError';
  }
}

/**
 * `JSON.parse`, refusing the keys in FORBIDDEN_KEYS at any depth.
 *
 * @throws InvalidJsonError for text that is not JSON
 * @throws ApiError 400 `forbidden_key` naming the key and where it is
 */
export function parseJson(text: string, what: string): unknown {
  let forbidden: string | undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key: string, value: unknown) => {
      if (forbidden === undefined && isForbidden(key, value)) forbidden = key;
      return value;
    });
  } catch {
    throw new InvalidJsonError();
  }
  if (forbidden !== undefined) {
    const shape = forbidden === 'constructor' ? ' holding a "prototype"' : '';
    throw new ApiError(400, 'forbidden_key', `${what} contains the key "${forbidden}"${shape}, which is refused (prototype pollution); rename the key`);
  }
  return parsed;
}

function isForbidden(key: string, value: unknown): boolean {
  if (key === '__proto__') return true;
  return key === 'constructor' && typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, 'prototype');
}
