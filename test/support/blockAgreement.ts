import assert from 'node:assert/strict';
import { blockMapAppendPoint, blockPairPlace, blockPairSpan, blockRange, blockRootRange } from '../../src/core/parse/blockYaml';
import { hasPath, localPairSpan, localRangeOf, localResourceRange, type RangePart } from '../../src/core/parse/locate';
import type { Resource } from '../../src/core/parse/manifestParser';
import { appendToBlockMapAt, deletePairLines, indentUnit } from '../../src/core/rules/yamlEdits';
import { pathsOf } from './objectPaths';

const PARTS: RangePart[] = ['auto', 'key', 'value', 'pair'];

/** How many answers came from the block reader's spans, by kind of question. */
export interface SpanAnswers {
  roots: number;
  spans: number;
  ranges: number;
  edits: number;
}

/**
 * Everything located from the block reader's spans in a document it took (`fast`) must be what
 * the YAML tree of the same text gives (`full`): the object's range, every path's span and range
 * in every part, whether it exists, the indentation step, and the quick-fix edits that append to
 * or delete from a mapping. `where` names the document in a failure.
 */
export function assertSpansAgree(fast: Resource, full: Resource, where: string, counts: SpanAnswers): void {
  const [a, b] = [fast.doc.parsed, full.doc.parsed];
  if (blockRootRange(fast.object)) counts.roots++;
  assert.deepEqual(localResourceRange(fast, a.lines), localResourceRange(full, b.lines), `${where}: the object's range`);
  assert.equal(indentUnit(a, fast), indentUnit(b, full), `${where}: the indentation step`);
  const lines = ['added: 1', '  nested: 2'];
  for (const path of [[], ...pathsOf(full.object)]) {
    const at = `${where}: ${JSON.stringify(path)}`;
    if (blockMapAppendPoint(fast.object, path)) counts.edits++;
    assert.deepEqual(appendToBlockMapAt(a, fast, path, lines), appendToBlockMapAt(b, full, path, lines), `${at} append`);
    if (!path.length) continue;
    assert.equal(hasPath(fast, path), hasPath(full, path), `${at} exists`);
    if (blockPairPlace(fast.object, path)) counts.edits++;
    assert.deepEqual(deletePairLines(fast, path), deletePairLines(full, path), `${at} delete`);
    if (blockPairSpan(fast.object, path)) counts.spans++;
    assert.deepEqual(localPairSpan(fast, a.lines, path), localPairSpan(full, b.lines, path), `${at} span`);
    for (const part of PARTS) {
      if (blockRange(fast.object, path, part)) counts.ranges++;
      assert.deepEqual(localRangeOf(fast, a.lines, path, part), localRangeOf(full, b.lines, path, part), `${at} range (${part})`);
    }
  }
}
