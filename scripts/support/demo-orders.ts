/**
 * Order events of schema version 1 (one status per order, a return refunding all of it; consumers
 * still read them), generated for benchmarks and tests: orders of one to three lines from a set
 * of sellers and product groups, some under promotions, most paid, shipped and delivered, a few
 * failing payment, cancelled or returned with a refund. Seeded, so the same
 * options give the same orders (event ids are fresh each run, as they would be).
 */
import { randomUUID } from 'node:crypto';
import { amountBand } from '../../shared/domain/order';
import { type DomainEvent, domainEvent } from '../../shared/events/envelope';
import { mulberry32 } from './demo-catalog';

export interface DemoLine {
  offerId: string;
  groupId: string;
  sellerId: string;
  title: string;
  category: string;
  quantity: number;
  unitPrice: number;
  unitCost: number;
  unitDiscount: number;
  promotionId: string | null;
}

export interface DemoOrder {
  orderId: string;
  memberId: string;
  items: DemoLine[];
  shipping: number;
  buyer: { ageBand: string; gender: string; region: string };
}

const statusAfter: Record<string, string> = {
  OrderPlaced: 'placed',
  OrderPaid: 'paid',
  OrderPaymentFailed: 'payment_failed',
  OrderCancelled: 'cancelled',
  OrderShipped: 'shipped',
  OrderDelivered: 'delivered',
  OrderReturnRequested: 'return_requested',
  OrderReturned: 'returned',
};

/** The event checkout would publish for the order at `version`, `atMs`. */
export function orderEvent(
  type: string,
  order: DemoOrder,
  version: number,
  atMs: number,
  extra: Record<string, unknown> = {},
): DomainEvent {
  const items = order.items.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
  const discount = order.items.reduce((sum, line) => sum + line.unitDiscount * line.quantity, 0);
  const total = items - discount + order.shipping;
  return domainEvent(
    {
      type,
      source: 'checkout',
      key: order.orderId,
      data: {
        orderId: order.orderId,
        memberId: order.memberId,
        status: statusAfter[type] ?? 'placed',
        version,
        items: order.items,
        amounts: { items, discount, shipping: order.shipping, total },
        buyer: { ...order.buyer, amountBand: amountBand(total) },
        ...extra,
      },
    },
    new Date(atMs),
  );
}

export const orderTotal = (order: DemoOrder) =>
  order.items.reduce((sum, line) => sum + (line.unitPrice - line.unitDiscount) * line.quantity, 0) +
  order.shipping;

export interface DemoOrderOptions {
  /** Events to generate; the last order's events stop there. */
  events: number;
  /** Orders are placed between these instants. */
  fromMs: number;
  toMs: number;
  sellers?: number;
  groups?: number;
  promotions?: number;
  seed?: number;
}

const genders = ['female', 'male', 'other', 'undisclosed'];
const regions = ['seoul', 'busan', 'incheon', 'gyeonggi', 'daegu', 'jeju', 'gangwon'];
const ageBands = ['10s', '20s', '30s', '40s', '50s', '60s', '70s'];

/** Order events in the order checkout would publish them, each order's events together. */
export function demoOrderEvents(options: DemoOrderOptions): DomainEvent[] {
  const random = mulberry32(options.seed ?? 1);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
  const sellers = options.sellers ?? 200;
  const groups = options.groups ?? 2_000;
  const promotions = options.promotions ?? 5;
  const events: DomainEvent[] = [];
  const span = options.toMs - options.fromMs;
  while (events.length < options.events) {
    const order: DemoOrder = {
      orderId: randomUUID(),
      memberId: randomUUID(),
      items: Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const group = Math.floor(random() * groups);
        const unitPrice = 1_000 * (5 + Math.floor(random() * 200));
        const promoted = random() < 0.3;
        return {
          offerId: randomUUID(),
          groupId: `group-${group}`,
          sellerId: `seller-${Math.floor(random() * sellers)}`,
          title: `Product ${group}`,
          category: pick(['electronics', 'fashion', 'beauty', 'food', 'home']),
          quantity: 1 + Math.floor(random() * 3),
          unitPrice,
          unitCost: Math.round(unitPrice * (0.5 + random() * 0.3)),
          unitDiscount: promoted ? Math.round(unitPrice * 0.1) : 0,
          promotionId: promoted ? `promotion-${Math.floor(random() * promotions)}` : null,
        };
      }),
      shipping: pick([0, 2_500, 3_000]),
      buyer: { ageBand: pick(ageBands), gender: pick(genders), region: pick(regions) },
    };
    let at = options.fromMs + Math.floor(random() * span);
    let version = 0;
    const next = (type: string, extra?: Record<string, unknown>) => {
      version++;
      at += 60_000 + Math.floor(random() * 3_600_000);
      events.push(orderEvent(type, order, version, Math.min(at, options.toMs), extra));
    };
    next('OrderPlaced');
    const fate = random();
    if (fate < 0.05) {
      next('OrderPaymentFailed', { reason: 'card_declined' });
      continue;
    }
    next('OrderPaid');
    if (fate < 0.1) {
      next('OrderCancelled', { refund: orderTotal(order) });
      continue;
    }
    next('OrderShipped');
    next('OrderDelivered');
    if (fate < 0.13) {
      next('OrderReturnRequested', { reason: 'wrong size' });
      next('OrderReturned', { refund: orderTotal(order) });
    }
  }
  return events.slice(0, options.events);
}
