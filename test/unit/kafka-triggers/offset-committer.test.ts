import { OffsetCommitter, type PartitionOffset } from '../../../stack/kafka-triggers';

describe('OffsetCommitter', () => {
  it('coalesces marks into one request per round, keeping the latest offset of each partition', async () => {
    const requests: PartitionOffset[][] = [];
    const committer = new OffsetCommitter(async (offsets) => {
      requests.push(offsets);
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    committer.mark(0, '10');
    committer.mark(0, '20');
    committer.mark(1, '7');
    committer.mark(0, '30');
    await committer.flush();
    expect(requests).toEqual([
      [{ partition: 0, offset: '10' }],
      [
        { partition: 0, offset: '30' },
        { partition: 1, offset: '7' },
      ],
    ]);
  });

  it('reports a failed commit once, on the next flush', async () => {
    const committer = new OffsetCommitter(async () => {
      throw new Error('rebalance in progress');
    });
    committer.mark(0, '1');
    await expect(committer.flush()).rejects.toThrow('rebalance in progress');
    await expect(committer.flush()).resolves.toBeUndefined();
  });
});
