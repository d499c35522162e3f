import { BatchingWindow } from '../../../stack/kafka-triggers';

describe('BatchingWindow', () => {
  it('opens when a first record is fetched and keeps its opening time across refetches', () => {
    const window = new BatchingWindow(500);
    expect(window.remainingMs(0, '7', 1_000, 1_000)).toBe(500);
    expect(window.remainingMs(0, '7', 1_300, 1_300)).toBe(200);
    expect(window.remainingMs(0, '7', 1_600, 1_600)).toBe(0);
  });

  it('counts from the fetch, not from when the invocations before the record have finished', () => {
    const window = new BatchingWindow(500);
    expect(window.remainingMs(0, '900', 1_000, 1_350)).toBe(150);
    expect(window.remainingMs(0, '900', 1_400, 1_400)).toBe(100);
    expect(window.remainingMs(1, '300', 1_000, 1_700)).toBe(0);
  });

  it('opens a new window for a new first record, per partition', () => {
    const window = new BatchingWindow(500);
    window.remainingMs(0, '7', 1_000, 1_000);
    expect(window.remainingMs(1, '7', 1_400, 1_400)).toBe(500);
    expect(window.remainingMs(0, '9', 1_400, 1_400)).toBe(500);
  });

  it('starts over once the partition was delivered', () => {
    const window = new BatchingWindow(500);
    window.remainingMs(0, '7', 1_000, 1_000);
    window.close(0);
    expect(window.remainingMs(0, '7', 1_400, 1_400)).toBe(500);
  });

  it('never waits with a window of 0', () => {
    expect(new BatchingWindow(0).remainingMs(0, '1', 1_000, 1_000)).toBe(0);
  });
});
