import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventSourceMessage } from 'eventsource-parser';
import { SharedEventStream } from 'holdfast/internal';
import type { EventStreamOptions } from 'holdfast/internal';
import { memoryLocks, silenceableChannel } from '../../../support/memoryLocks.js';

type FakeReader = { lastEventId: string | undefined; emit: (event: EventSourceMessage) => void; status: (up: boolean) => void; closed: boolean };

const streams: SharedEventStream[] = [];
afterEach(() => {
  for (const stream of streams.splice(0)) stream.stop();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('one event stream shared by the tabs', () => {
  it('only the leader reads; every tab gets every event; the next tab takes over from the last event id', async () => {
    const locks = memoryLocks().tab('tabs');
    const readers: FakeReader[] = [];
    const received: string[][] = [];
    const statuses: boolean[][] = [];
    const tabs = Array.from({ length: 7 }, (_, tab) => {
      received.push([]);
      statuses.push([]);
      const stream = new SharedEventStream({
        name: 'holdfast-events:test',
        locks,
        openChannel: (name) => new BroadcastChannel(name),
        url: () => '/api/events',
        headers: () => ({}),
        onEvent: (event) => received[tab]!.push(event.id ?? ''),
        onStatus: (up) => statuses[tab]!.push(up),
        read: (options: EventStreamOptions) => {
          const reader: FakeReader = {
            lastEventId: options.lastEventId,
            emit: (event) => options.onEvent(event),
            status: (up) => options.onStatus?.(up),
            closed: false,
          };
          readers.push(reader);
          return () => {
            reader.closed = true;
          };
        },
      });
      streams.push(stream);
      stream.start();
      return stream;
    });
    await settle();
    expect(readers).toHaveLength(1);
    expect(tabs.filter((tab) => tab.leading)).toHaveLength(1);

    readers[0]!.status(true);
    for (let id = 1; id <= 5; id++) readers[0]!.emit({ id: String(id), event: 'change', data: '{}' });
    await settle();
    for (const ids of received) expect(ids).toEqual(['1', '2', '3', '4', '5']);
    for (const seen of statuses) expect(seen.at(-1)).toBe(true);

    // The leader's tab closes: exactly one other takes over, resuming after the last event it was relayed.
    const leader = tabs.findIndex((tab) => tab.leading);
    tabs[leader]!.stop();
    await settle();
    expect(readers[0]!.closed).toBe(true);
    expect(readers).toHaveLength(2);
    expect(readers[1]!.lastEventId).toBe('5');
    readers[1]!.emit({ id: '6', event: 'change', data: '{}' });
    await settle();
    received.forEach((ids, tab) => {
      if (tab !== leader) expect(ids).toEqual(['1', '2', '3', '4', '5', '6']);
    });
  });

  it('a tab that opens late is told whether the stream is connected', async () => {
    const locks = memoryLocks().tab('tabs');
    let reader: FakeReader | undefined;
    const open = (onStatus: (up: boolean) => void) => {
      const stream = new SharedEventStream({
        name: 'holdfast-events:late',
        locks,
        openChannel: (name) => new BroadcastChannel(name),
        url: () => '/api/events',
        headers: () => ({}),
        onEvent: () => {},
        onStatus,
        read: (options) => {
          reader = { lastEventId: undefined, emit: options.onEvent, status: (up) => options.onStatus?.(up), closed: false };
          return () => {};
        },
      });
      streams.push(stream);
      stream.start();
    };
    open(() => {});
    await settle();
    reader!.status(true);
    const late: boolean[] = [];
    open((up) => late.push(up));
    await settle();
    expect(late).toEqual([true]);
  });

  it('a leader tab that stops answering: another takes the stream over from the last event relayed, and what the old one says as it closes is not the stream any more', async () => {
    const locks = memoryLocks().tab('tabs');
    const readers: (FakeReader & { tab: string })[] = [];
    const statuses: Record<'first' | 'second', boolean[]> = { first: [], second: [] };
    let silent = false;
    const open = (tab: 'first' | 'second') => {
      const stream = new SharedEventStream({
        name: 'holdfast-events:stopped',
        locks,
        lease: { beatMs: 50, takeoverMs: 300 },
        // A stopped tab says nothing: neither beats nor relays.
        openChannel: (name) => silenceableChannel(name, () => tab === 'first' && silent),
        url: () => '/api/events',
        headers: () => ({}),
        onEvent: () => {},
        onStatus: (up) => statuses[tab].push(up),
        read: (options) => {
          const reader = { tab, lastEventId: options.lastEventId, emit: options.onEvent, status: (up: boolean) => options.onStatus?.(up), closed: false };
          readers.push(reader);
          return () => {
            reader.closed = true;
          };
        },
      });
      streams.push(stream);
      stream.start();
      return stream;
    };
    const first = open('first');
    await settle();
    const second = open('second');
    await settle();
    readers[0]!.status(true);
    readers[0]!.emit({ id: '7', event: 'change', data: '{}' });
    await settle();
    expect(statuses.second.at(-1)).toBe(true);

    silent = true;
    await vi.waitFor(() => expect(second.leading).toBe(true), { timeout: 10_000 });
    expect(readers[1]).toMatchObject({ tab: 'second', lastEventId: '7' });
    readers[1]!.status(true);
    // The first tab runs again: it finds its lock gone, closes its reader, and what that reader says on
    // closing (disconnected) reaches no one.
    silent = false;
    await vi.waitFor(() => expect(first.leading).toBe(false));
    expect(readers[0]!.closed).toBe(true);
    readers[0]!.status(false);
    await settle();
    expect(statuses.second.at(-1)).toBe(true);
    // It follows now, told the stream's state by the new leader.
    expect(statuses.first.at(-1)).toBe(true);
  });

  it('without Web Locks every tab reads its own stream', async () => {
    let readers = 0;
    for (let i = 0; i < 2; i++) {
      const stream = new SharedEventStream({
        name: 'x',
        url: () => '/',
        headers: () => ({}),
        onEvent: () => {},
        read: () => {
          readers++;
          return () => {};
        },
      });
      streams.push(stream);
      stream.start();
    }
    await settle();
    expect(readers).toBe(2);
  });
});
