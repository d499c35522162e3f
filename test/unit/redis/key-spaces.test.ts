/**
 * Redis key spaces cannot meet: whatever text a user sends (a keyword, a prefix, an id, an
 * address), each key names one thing only. Every key of shared/redis/keys.ts is built from texts
 * chosen to collide (a keyword "known", braces, colons, another space's name) and no two differ
 * in meaning but agree in name.
 */
import * as keys from '../../../shared/redis/keys';

const texts = [
  'known',
  'known-keywords',
  'k',
  'groups',
  'x:groups',
  'a:b',
  '{x}',
  '}',
  '%7D',
  'from:1.2.3.4',
  '운동화',
  'all',
];

/** Every key the module can make from the texts, each with what it means. */
function everyKey(): [string, string][] {
  const made: [string, string][] = [
    ['knownKeywords', keys.knownKeywordsKey],
    ['searchEventStream', keys.searchEventStreamKey],
    ['essentialLoad', keys.essentialLoadKey],
    ['promotions.all', keys.promotionKeys.all],
    ['promotions.exhausted', keys.promotionKeys.exhausted],
    ['standing.grades', keys.standingKeys.grades],
    ['standing.suspended', keys.standingKeys.suspended],
    ['standing.policy', keys.standingKeys.policy],
    ['ads.campaigns', keys.adKeys.campaigns],
    ['ads.suspendedSellers', keys.adKeys.suspendedSellers],
    ['ads.loaded', keys.adKeys.loaded],
    ['ads.events', keys.adKeys.events],
  ];
  for (const a of texts) {
    for (const [part, key] of Object.entries(keys.groupKeys(a))) made.push([`group ${part} ${a}`, key]);
    made.push([`offer ${a} o-1`, `${keys.groupKeys(a).offerPrefix}o-1`]);
    made.push([`keywordGroups ${a}`, keys.keywordGroupsKey(a)]);
    made.push([`keywordEmpty ${a}`, keys.keywordEmptyKey(a)]);
    made.push([`suggest ${a}`, keys.suggestKey(a)]);
    made.push([`popular ${a}`, keys.popularKey(a)]);
    made.push([`related ${a}`, keys.relatedKey(a)]);
    made.push([`recent ${a}`, keys.recentKey(a)]);
    made.push([`counted ${a}`, keys.searchCountedKey(a)]);
    made.push([`stock ${a}`, keys.stockGateKey(a)]);
    made.push([`partnerQuota ${a}`, keys.partnerQuotaKey(a)]);
    made.push([`partnerLookups ${a}`, keys.partnerKeyLookupsKey(a)]);
    made.push([`adClick ${a}`, keys.adKeys.click(a)]);
    // A day is the platform's YYYY-MM-DD; the campaign id comes last.
    made.push([`adSpend ${a}`, keys.adKeys.spend('2026-03-01', a)]);
    for (const b of texts) {
      made.push([`bucket ${a} ${b}`, keys.clientBucketKey(a, b)]);
      const login = keys.loginKeys(a, b);
      made.push([`login pair ${a} ${b}`, login.pair]);
      made.push([`login account ${a}`, login.account]);
      made.push([`login known ${a}`, login.known]);
      made.push([`login address ${b}`, login.address]);
    }
  }
  return made;
}

describe('Redis key spaces', () => {
  it('never give two meanings one name', () => {
    const meanings = new Map<string, string>();
    const clashes: string[] = [];
    for (const [meaning, key] of everyKey()) {
      const other = meanings.get(key);
      if (other !== undefined && other !== meaning) clashes.push(`${key}: ${other} / ${meaning}`);
      meanings.set(key, meaning);
    }
    expect(clashes).toEqual([]);
  });

  it('keep the set of known keywords out of the suggestion keys, whatever the prefix', () => {
    expect(texts.map(keys.suggestKey)).not.toContain(keys.knownKeywordsKey);
    expect(keys.knownKeywordsKey.startsWith('suggest:')).toBe(false);
  });
});
