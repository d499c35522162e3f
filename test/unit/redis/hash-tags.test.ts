/** Keys used together in one command, script, transaction or pipeline share a Redis Cluster hash tag. */

import { suggestPrefixes } from '../../../shared/domain/search';
import { hashTag } from '../../../shared/redis/client';
import {
  groupKeys,
  keywordEmptyKey,
  keywordGroupsKey,
  partnerQuotaKey,
  suggestKey,
} from '../../../shared/redis/keys';

/** What Redis Cluster hashes: the text between the first `{` and the next `}` when not empty, else the key. */
function hashedPart(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('hash tags', () => {
  it.each(['g-1', 'a}b', '{x}', '100%'])('keep every key of a group in one slot (%j)', (groupId) => {
    const keys = groupKeys(groupId);
    const parts = new Set(
      [keys.offers, keys.state, keys.keywords, keys.dropped, keys.top, `${keys.offerPrefix}o-1`].map(
        hashedPart,
      ),
    );
    expect(parts.size).toBe(1);
  });

  it.each(['shoes', '}shoes', '운동화', 'a{b}c'])(
    "keep a keyword's keys, and all its suggest prefixes, together (%j)",
    (keyword) => {
      expect(hashedPart(keywordGroupsKey(keyword))).toBe(hashedPart(keywordEmptyKey(keyword)));
      expect(new Set(suggestPrefixes(keyword).map((prefix) => hashedPart(suggestKey(prefix)))).size).toBe(1);
    },
  );

  it('give different values different tags, so that unrelated keys spread', () => {
    expect(hashedPart(keywordGroupsKey('a}'))).not.toBe(hashedPart(keywordGroupsKey('a')));
    expect(hashedPart(partnerQuotaKey('p1'))).not.toBe(hashedPart(partnerQuotaKey('p2')));
    expect(hashTag('%7D')).not.toBe(hashTag('}'));
    expect(hashTag('plain-id')).toBe('{plain-id}');
  });
});
