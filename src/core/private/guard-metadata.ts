import { CfnResource } from 'aws-cdk-lib';

/** The metadata key cfn-guard's rule registry uses for waivers (`GuardWaiversValidator` reads it). @internal */
export const GUARD_METADATA = 'guard';

/**
 * Records waivers of guard rules on one resource: `Metadata.guard.SuppressedRules` (the name list)
 * and `Metadata.guard.Reasons` (rule name to reason).
 * @internal
 */
export function addGuardWaivers(resource: CfnResource, waivers: Array<{ rule: string; reason: string }>): void {
  const existing = resource.getMetadata(GUARD_METADATA) ?? {};
  const rules = new Set<string>(existing.SuppressedRules ?? []);
  const reasons: Record<string, string> = { ...(existing.Reasons ?? {}) };
  for (const w of waivers) {
    rules.add(w.rule);
    reasons[w.rule] = w.reason;
  }
  resource.addMetadata(GUARD_METADATA, { SuppressedRules: [...rules].sort(), Reasons: reasons });
}
