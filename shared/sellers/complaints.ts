/**
 * A buyer reports an offer of one of its orders as counterfeit or not as described. Only the buyer
 * of an order that was paid (and maybe shipped, delivered, returned since) and holds that offer
 * may; anyone else gets the 404 of an order that is not theirs. One complaint per order line.
 */

import { paymentStageOf } from '../domain/order';
import type { ComplaintKind } from '../domain/seller-standing';
import { type Complaint, ComplaintExistsError, putComplaint } from '../dynamo/complaint-store';
import { ConflictError, NotFoundError } from '../http';
import { buyersOrder } from '../orders/view';

export interface ComplaintInput {
  orderId: string;
  kind: ComplaintKind;
  detail: string;
}

export async function fileComplaint(
  memberId: string,
  offerId: string,
  input: ComplaintInput,
  now = new Date(),
): Promise<Omit<Complaint, 'memberId'>> {
  const order = await buyersOrder(memberId, input.orderId);
  const line = order.items.find((item) => item.offerId === offerId);
  if (!line || paymentStageOf(order.status) !== 'paid')
    throw new NotFoundError(`No paid order ${input.orderId} of offer ${offerId}`);
  const complaint: Complaint = {
    orderId: order.orderId,
    offerId,
    sellerId: line.sellerId,
    memberId,
    kind: input.kind,
    detail: input.detail,
    createdAt: now.toISOString(),
  };
  try {
    await putComplaint(complaint);
  } catch (error) {
    if (error instanceof ComplaintExistsError)
      throw new ConflictError('complaint_exists', 'This order line already has a complaint');
    throw error;
  }
  const { memberId: _memberId, ...view } = complaint;
  return view;
}
