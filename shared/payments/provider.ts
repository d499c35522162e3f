/**
 * What checkout needs from a payment gateway. Every call names the payment by the order's id, and
 * the gateway treats a repeated call as the same call (its own idempotency), so a retry can never
 * charge twice.
 */
export interface CardDetails {
  number: string;
  expiryMonth: number;
  expiryYear: number;
}

export type DeclineReason =
  | 'card_declined'
  | 'insufficient_funds'
  | 'expired_card'
  | 'card_not_supported'
  | 'voided';

export type Authorization =
  | { status: 'authorized'; paymentId: string; amount: number; last4: string }
  | { status: 'declined'; paymentId: string; reason: DeclineReason; last4: string };

export type PaymentState = 'authorized' | 'captured' | 'declined' | 'voided';

export interface PaymentRecord {
  paymentId: string;
  state: PaymentState;
  amount: number;
  refunded: number;
  last4: string;
  declineReason?: DeclineReason;
}

/** The gateway did not answer in time: the outcome is unknown until the payment is looked up. */
export class PaymentTimeoutError extends Error {
  constructor(readonly paymentId: string) {
    super(`The payment gateway did not answer in time for ${paymentId}`);
    this.name = 'PaymentTimeoutError';
  }
}

export interface PaymentProvider {
  /** Reserves the amount on the card; repeated with the same id, answers the first outcome. */
  authorize(paymentId: string, amount: number, card: CardDetails): Promise<Authorization>;
  /** Takes the authorized amount; capturing a captured payment changes nothing. */
  capture(paymentId: string): Promise<void>;
  /** Pays back part or all of a captured amount, once per refund id. */
  refund(paymentId: string, refundId: string, amount: number): Promise<void>;
  /**
   * Ends a payment that must not go through: an authorization not captured yet is released, and
   * one still on its way is refused when it arrives. Answers the payment's state afterwards.
   */
  void(paymentId: string): Promise<PaymentState>;
  /** The payment as the gateway knows it, or undefined if it never arrived. */
  find(paymentId: string): Promise<PaymentRecord | undefined>;
}

/** Only the last four digits ever leave the card details. */
export const last4 = (card: CardDetails) => card.number.slice(-4);
