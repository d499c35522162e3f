/**
 * Events of the ad topic, keyed by campaign id so one campaign's events stay in order: what the
 * sponsored slots showed and what their clicks charged. Analytics counts impressions, clicks, spend
 * and CTR per campaign from them, and ad revenue in the revenue report.
 */
import * as z from 'zod';
import type { TopicEventsDefinition } from './definition';
import { entityId, won } from './fields';

export const adEventTypes = {
  impressed: 'AdImpressed',
  clicked: 'AdClicked',
} as const;

const placement = z
  .enum(['search', 'group'])
  .describe("Where the slot was: a search page, or the related ads of a product group's offers page");

const shown = {
  campaignId: entityId,
  sellerId: entityId.describe('The seller whose campaign it is'),
  offerId: entityId.describe('The sponsored offer'),
  placement,
  slot: z.int().min(0).max(99).describe('Position among the sponsored slots of the page, from 0'),
  keyword: z.string().min(1).max(50).optional().describe('The search keyword, folded, on a search page'),
  groupId: entityId.optional().describe('The product group whose offers page showed it'),
};

export const adImpressedV1 = z.strictObject(shown);

export const adClickedV1 = z.strictObject({
  ...shown,
  clickId: entityId.describe(
    'Names the charge: one per visitor, ad and window, so a replay is not charged again',
  ),
  bidWon: won.describe('The bid when the slot was shown'),
  chargedWon: won.describe('What the click charged the campaign: its bid, never more than the budget left'),
});

export const adEvents = {
  description: 'Sponsored slots shown and the clicks they charged.',
  key: 'campaign id',
  source: 'ads',
  types: {
    [adEventTypes.impressed]: {
      description: 'A sponsored slot was shown to a visitor.',
      versions: { 1: adImpressedV1 },
    },
    [adEventTypes.clicked]: {
      description:
        "A visitor's first click on a sponsored slot within the window was charged (a repeated or replayed click sends nothing).",
      versions: { 1: adClickedV1 },
    },
  },
} as const satisfies TopicEventsDefinition;

export type AdImpressedData = z.infer<typeof adImpressedV1>;
export type AdClickedData = z.infer<typeof adClickedV1>;
