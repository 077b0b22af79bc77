import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS, DocumentCache } from '../../src/core/parse/manifestParser';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';

const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: "${value}"\n`;

test('a document held by a file stays shared; released ones are kept only among the last few, by count and by size', () => {
  const cache = new DocumentCache(50_000, 3, 1_000);
  const a = cache.get(configMap('a'), DEFAULT_LIMITS);
  assert.equal(cache.get(configMap('a'), DEFAULT_LIMITS), a, 'a second holder gets the same parse');
  cache.release(a);
  assert.deepEqual(cache.size, { held: 1, released: 0 }, 'still held by the other holder');
  cache.release(a);
  assert.deepEqual(cache.size, { held: 0, released: 1 });
  assert.equal(cache.get(configMap('a'), DEFAULT_LIMITS), a, 'a released document comes back as it was (an undo)');
  cache.release(a);

  for (const v of ['b', 'c', 'd']) cache.release(cache.get(configMap(v), DEFAULT_LIMITS));
  assert.deepEqual(cache.size, { held: 0, released: 3 }, 'the oldest released one went past the count');
  assert.notEqual(cache.get(configMap('a'), DEFAULT_LIMITS), a, 'so it is parsed again');

  const big = cache.get(configMap('x'.repeat(900)), DEFAULT_LIMITS);
  cache.release(big);
  assert.deepEqual(cache.size, { held: 1, released: 1 }, 'past the size budget only the big one is kept');

  // A document the cache did not hand out (another thread's parse of the same text) is not its to release.
  const elsewhere = new DocumentCache().get(configMap('a'), DEFAULT_LIMITS);
  cache.release(elsewhere);
  assert.deepEqual(cache.size, { held: 1, released: 1 });
});

test('typing into a file keeps only its current documents and the last released ones, however long the session', () => {
  const index = new WorkspaceIndex();
  const cache = (index as unknown as { cache: DocumentCache }).cache;
  index.setFile('a.yaml', `${configMap('v0')}---\n${configMap('same')}`);
  // A document's text starts at its `---`: b.yaml's reads the same as a.yaml's second.
  index.setFile('b.yaml', `---\n${configMap('same')}`);
  const first = index.getFile('a.yaml')!.documents[0].parsed;
  for (let i = 1; i <= 1_000; i++) {
    index.setFile('a.yaml', `${configMap(`v${i}`)}---\n${configMap('same')}`);
    index.analyze();
  }
  assert.equal(cache.size.held, 2, "a.yaml's current first document, and the document both files hold");
  assert.ok(cache.size.released <= 256, `${cache.size.released} released documents kept`);
  index.setFile('a.yaml', `${configMap('v999')}---\n${configMap('same')}`);
  assert.equal(cache.size.held, 2, 'a recent version comes back from the released ones');
  index.setFile('a.yaml', `${configMap('v0')}---\n${configMap('same')}`);
  assert.notEqual(index.getFile('a.yaml')!.documents[0].parsed, first, 'the first version was dropped long ago');

  // The shared document survives either file going, and is released when both are gone.
  const shared = index.getFile('b.yaml')!.documents[0].parsed;
  index.removeFile('a.yaml');
  index.setFile('c.yaml', `---\n${configMap('same')}`);
  assert.equal(index.getFile('c.yaml')!.documents[0].parsed, shared);
  index.removeFile('b.yaml');
  index.removeFile('c.yaml');
  assert.equal(cache.size.held, 0);
  // A file replaced by another thread's parse of it gives up its holds.
  const worker = new WorkspaceIndex();
  worker.setFile('d.yaml', configMap('d'));
  index.setFile('d.yaml', configMap('d'));
  assert.equal(cache.size.held, 1);
  index.adoptFile(worker.exportFile('d.yaml')!);
  assert.equal(cache.size.held, 0);
  index.removeFile('d.yaml');
  // A file skipped as not Kubernetes holds nothing either.
  index.setFile('notes.yaml', 'title: not a manifest\n');
  assert.equal(cache.size.held, 0);
});
