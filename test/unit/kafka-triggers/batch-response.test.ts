import { batchOutcome } from '../../../stack/kafka-triggers';

const batch = { topicPartition: 'orders-0', offsets: [10, 11, 12, 13] };
const failure = (offset: unknown, topicPartition: unknown = 'orders-0') => ({
  itemIdentifier: { 'topic-partition': topicPartition, offset },
});

describe('batchOutcome', () => {
  it('treats any answer as success unless ReportBatchItemFailures is on', () => {
    expect(batchOutcome({ batchItemFailures: [failure(11)] }, false, batch)).toEqual({ kind: 'success' });
  });

  it('treats an empty or missing list, or no answer, as success', () => {
    for (const response of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(batchOutcome(response, true, batch)).toEqual({ kind: 'success' });
    }
  });

  it('resumes from the lowest failed offset', () => {
    expect(batchOutcome({ batchItemFailures: [failure(13), failure('11')] }, true, batch)).toEqual({
      kind: 'partial',
      lowestFailedOffset: 11,
      failedOffsets: [11, 13],
    });
  });

  it('fails the whole batch for an identifier that names no record of it', () => {
    const malformed = [
      failure(99),
      failure(''),
      failure(null),
      failure(11, 'orders-1'),
      failure(11, 'payments-0'),
      { itemIdentifier: { partition: 'orders-0', offset: 11 } },
      { itemIdentifier: '11' },
      { itemIdentifier: null },
      { wrongKey: 1 },
    ];
    for (const bad of malformed) {
      expect(batchOutcome({ batchItemFailures: [failure(12), bad] }, true, batch).kind).toBe(
        'invalid-response',
      );
    }
    expect(batchOutcome({ batchItemFailures: 'all' }, true, batch).kind).toBe('invalid-response');
  });
});
