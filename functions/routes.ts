/**
 * Every HTTP route of the product, for the OpenAPI document. A service adds its routes module here;
 * a test checks that every http event of serverless.yml has its route in this list.
 */
import type { Route } from '../shared/http';
import { adRoutes } from './ads/routes';
import { analyticsRoutes } from './analytics/routes';
import { authRoutes } from './auth/routes';
import { catalogRoutes } from './catalog/routes';
import { checkoutRoutes } from './checkout/routes';
import { historyRoutes } from './history/routes';
import { memberRoutes } from './members/routes';
import { platformRoutes } from './platform/routes';
import { promotionRoutes } from './promotions/routes';
import { searchRoutes } from './search/routes';
import { sellerRoutes } from './sellers/routes';

export const allRoutes: readonly Route[] = [
  ...platformRoutes,
  ...memberRoutes,
  ...authRoutes,
  ...catalogRoutes,
  ...checkoutRoutes,
  ...searchRoutes,
  ...historyRoutes,
  ...analyticsRoutes,
  ...promotionRoutes,
  ...sellerRoutes,
  ...adRoutes,
];
