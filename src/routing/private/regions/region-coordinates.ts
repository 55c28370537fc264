/**
 * Approximate latitude and longitude (degrees, rounded to 0.1) of every commercial AWS Region
 * (partition `aws`), for the router's great-circle distances.
 *
 * Source: the Region codes and the city or area each Region is named after, from the AWS
 * General Reference "AWS Regions" list (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html);
 * the coordinates are those of that city (public gazetteer values), not of data centres, which
 * AWS does not publish. A few hundred kilometres of error only matter for a viewer almost
 * half-way between two Regions. A Region missing here (a newer one) is refused by
 * `routerFunctionCode`: add it with its city's coordinates.
 *
 * @internal
 */
export const REGION_COORDINATES: Readonly<Record<string, readonly [number, number]>> = {
  'us-east-1': [38.9, -77.5], // N. Virginia (Ashburn)
  'us-east-2': [40.0, -83.0], // Ohio (Columbus)
  'us-west-1': [37.4, -121.9], // N. California (San Jose)
  'us-west-2': [45.8, -119.7], // Oregon (Boardman)
  'ca-central-1': [45.5, -73.6], // Canada (Montreal)
  'ca-west-1': [51.0, -114.1], // Canada West (Calgary)
  'mx-central-1': [20.6, -100.4], // Mexico (Central, Querétaro)
  'sa-east-1': [-23.5, -46.6], // South America (São Paulo)
  'eu-central-1': [50.1, 8.7], // Europe (Frankfurt)
  'eu-central-2': [47.4, 8.5], // Europe (Zurich)
  'eu-west-1': [53.3, -6.3], // Europe (Ireland, Dublin)
  'eu-west-2': [51.5, -0.1], // Europe (London)
  'eu-west-3': [48.9, 2.4], // Europe (Paris)
  'eu-north-1': [59.3, 18.1], // Europe (Stockholm)
  'eu-south-1': [45.5, 9.2], // Europe (Milan)
  'eu-south-2': [41.6, -0.9], // Europe (Spain, Aragón)
  'af-south-1': [-33.9, 18.4], // Africa (Cape Town)
  'me-south-1': [26.1, 50.6], // Middle East (Bahrain)
  'me-central-1': [24.5, 54.4], // Middle East (UAE)
  'il-central-1': [32.1, 34.8], // Israel (Tel Aviv)
  'ap-east-1': [22.3, 114.2], // Asia Pacific (Hong Kong)
  'ap-east-2': [25.0, 121.5], // Asia Pacific (Taipei)
  'ap-south-1': [19.1, 72.9], // Asia Pacific (Mumbai)
  'ap-south-2': [17.4, 78.5], // Asia Pacific (Hyderabad)
  'ap-southeast-1': [1.3, 103.8], // Asia Pacific (Singapore)
  'ap-southeast-2': [-33.9, 151.2], // Asia Pacific (Sydney)
  'ap-southeast-3': [-6.2, 106.8], // Asia Pacific (Jakarta)
  'ap-southeast-4': [-37.8, 145.0], // Asia Pacific (Melbourne)
  'ap-southeast-5': [3.1, 101.7], // Asia Pacific (Malaysia, Kuala Lumpur)
  'ap-southeast-6': [-36.8, 174.8], // Asia Pacific (New Zealand, Auckland)
  'ap-southeast-7': [13.8, 100.5], // Asia Pacific (Thailand, Bangkok)
  'ap-northeast-1': [35.7, 139.7], // Asia Pacific (Tokyo)
  'ap-northeast-2': [37.6, 127.0], // Asia Pacific (Seoul)
  'ap-northeast-3': [34.7, 135.5], // Asia Pacific (Osaka)
};
