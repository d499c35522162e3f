/**
 * The quality factor of sellers' ads, in [0, 1]: it multiplies a campaign's bid × relevance when
 * slots are chosen (shared/domain/ads.ts), and 0 means never shown. 1 until seller standing is
 * wired: this is the one place that reads it.
 */
export async function adQualityOf(sellerIds: readonly string[]): Promise<Map<string, number>> {
  return new Map(sellerIds.map((sellerId) => [sellerId, 1]));
}
