/* Reading values out of a CloudFormation template (its JSON, not a construct). */

/** A literal value, or undefined for an intrinsic (`{ Ref }`, `Fn::*`) that only a deploy resolves. @internal */
export function literal<T>(value: T): T | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : value;
}

/** The logical ID a `{ Ref }` or `{ Fn::GetAtt }` points at. @internal */
export function referencedId(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') return value.Ref;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
    if (typeof getAtt === 'string') return getAtt.split('.')[0];
  }
  return undefined;
}

/** Whether a value mentions a logical ID anywhere (`{ Ref }` or `{ Fn::GetAtt }`). @internal */
export function mentions(value: unknown, logicalId: string): boolean {
  const text = JSON.stringify(value ?? null);
  return text.includes(`{"Ref":"${logicalId}"}`) || text.includes(`"Fn::GetAtt":["${logicalId}",`);
}

/** A resource's tag, from a tag list (`[{ Key, Value }]`) or a tag map. @internal */
export function tagOf(resource: any, key: string): string | undefined {
  const tags = resource?.Properties?.Tags;
  if (Array.isArray(tags)) {
    const tag = tags.find((t: any) => t?.Key === key);
    return typeof tag?.Value === 'string' ? tag.Value : undefined;
  }
  if (tags && typeof tags === 'object' && typeof tags[key] === 'string') return tags[key];
  return undefined;
}

/** The construct path of a resource (`aws:cdk:path`), split at `/`. @internal */
export function pathOf(resource: any): string[] | undefined {
  const path = resource?.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path.split('/') : undefined;
}

/** The service of an interface endpoint's `ServiceName` (`com.amazonaws.<region>.<service>`). @internal */
export function serviceNameOf(value: any): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  const match = /\.([a-z0-9.-]+?)"?\]*\]*}?$/.exec(text.replace(/\\"/g, '"'));
  return match ? match[1] : text;
}

/** A dollar figure or quantity rounded to six decimals. @internal */
export const round = (n: number) => Math.round(n * 1e6) / 1e6;
