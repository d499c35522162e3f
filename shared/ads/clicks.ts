/**
 * A click on a sponsored slot: the token is checked (shared/ads/click-token.ts), the visitor's first
 * click on the ad within its window is charged the bid shown, by one Redis script that also refuses
 * what the day's budget cannot pay and appends the AdClicked event (shared/redis/ad-billing.ts),
 * then the charge is added to the day's durable spend in DynamoDB; the visitor is sent to the offer
 * whatever the outcome. A repeated or replayed click, a click on a campaign no longer shown (paused,
 * suspended, out of its schedule) and a click while Redis is away are free.
 *
 * The visitor is the signed-in member, else the client's `x-session-id`, else the visitor the token
 * was made for (the searcher of the page, or one made for that page).
 */
import { budgetDayOf, type ClickClaims, clickIdOf, ineligibility, secondsLeftInWindow } from '../domain/ads';
import { addSpend, spendOf } from '../dynamo/campaign-store';
import { findOffer } from '../dynamo/offer-store';
import { adEventTypes, requireValidEvent } from '../events';
import { domainEvent } from '../events/envelope';
import { NotFoundError } from '../http';
import { logger } from '../logger';
import { type ChargeOutcome, chargeClick } from '../redis/ad-billing';
import { verifyClickToken } from './click-token';
import { servedCampaign } from './serving';

export type ClickOutcome = ChargeOutcome['outcome'] | 'not_served' | 'ads_unavailable';

export interface ClickAnswer {
  /** Where the visitor goes: the offer's page. */
  location: string;
  outcome: ClickOutcome;
}

async function charge(claims: ClickClaims, visitor: string, now: Date): Promise<ClickOutcome> {
  const served = await servedCampaign(claims.c);
  if (!served) return 'not_served';
  const { campaign, copy } = served;
  const why = ineligibility(
    campaign,
    { suspendedSellers: copy.suspendedSellers, spentToday: new Map() },
    now,
  );
  if (why !== undefined || campaign.sellerId !== claims.s) return 'not_served';
  const day = budgetDayOf(now);
  const clickId = clickIdOf(claims.c, claims.o, visitor, now);
  const event = requireValidEvent(
    'adEvents',
    domainEvent(
      {
        type: adEventTypes.clicked,
        source: 'ads',
        key: claims.c,
        data: {
          campaignId: claims.c,
          sellerId: claims.s,
          offerId: claims.o,
          placement: claims.p,
          slot: claims.n,
          ...(claims.k !== undefined && { keyword: claims.k }),
          ...(claims.p === 'group' && { groupId: claims.g }),
          clickId,
          bidWon: claims.b,
          chargedWon: claims.b,
        },
      },
      now,
    ),
  );
  const request = {
    day,
    campaignId: claims.c,
    clickId,
    bidWon: claims.b,
    dailyBudgetWon: campaign.dailyBudgetWon,
    windowSeconds: secondsLeftInWindow(now),
    eventJson: JSON.stringify(event),
  };
  let result = await chargeClick(request);
  if (result.outcome === 'spend_unknown') {
    result = await chargeClick({ ...request, seed: await spendOf(day, claims.c) });
  }
  if (result.outcome === 'charged') {
    try {
      await addSpend(day, claims.c, claims.b, now);
    } catch (error) {
      // Redis holds the charge and its event is on its way; only a Redis loss later today would
      // miss this click in the seed.
      logger.error('ad spend not made durable', {
        campaignId: claims.c,
        clickId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return result.outcome;
}

export async function clickThrough(
  token: string,
  visitor: { memberId?: string; sessionId?: string },
  now = new Date(),
): Promise<ClickAnswer> {
  const claims = verifyClickToken(token, now);
  const offer = await findOffer(claims.o);
  if (!offer || offer.removed) throw new NotFoundError(`No offer ${claims.o}`);
  let outcome: ClickOutcome;
  try {
    outcome = await charge(claims, visitor.memberId ?? visitor.sessionId ?? claims.v, now);
  } catch (error) {
    // The visitor still gets to the offer; the platform loses this click's money.
    logger.warn('ad click not charged: ads unavailable', {
      campaignId: claims.c,
      error: error instanceof Error ? error.message : String(error),
    });
    outcome = 'ads_unavailable';
  }
  return { location: offer.url, outcome };
}
