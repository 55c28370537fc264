import type { z } from 'zod';

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
