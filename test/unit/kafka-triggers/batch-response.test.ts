import { batchOutcome } from '../../../stack/kafka-triggers';

const offsets = [10, 11, 12, 13];
const failure = (offset: unknown) => ({ itemIdentifier: { partition: 'orders-0', offset } });

describe('batchOutcome', () => {
  it('treats any answer as success unless ReportBatchItemFailures is on', () => {
    expect(batchOutcome({ batchItemFailures: [failure(11)] }, false, offsets)).toEqual({ kind: 'success' });
  });

  it('treats an empty or missing list, or no answer, as success', () => {
    for (const response of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(batchOutcome(response, true, offsets)).toEqual({ kind: 'success' });
    }
  });

  it('resumes from the lowest failed offset', () => {
    expect(batchOutcome({ batchItemFailures: [failure(13), failure('11')] }, true, offsets)).toEqual({
      kind: 'partial',
      lowestFailedOffset: 11,
      failedOffsets: [11, 13],
    });
  });

  it('fails the whole batch for an identifier that names no record of it', () => {
    for (const bad of [failure(99), failure(''), failure(null), { itemIdentifier: null }, { wrongKey: 1 }]) {
      expect(batchOutcome({ batchItemFailures: [bad] }, true, offsets).kind).toBe('invalid-response');
    }
    expect(batchOutcome({ batchItemFailures: 'all' }, true, offsets).kind).toBe('invalid-response');
  });
});
