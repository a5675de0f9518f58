/**
 * RFC 9162 §2.1 (https://www.rfc-editor.org/rfc/rfc9162#section-2.1): the published Certificate
 * Transparency test vectors (the RFC 6962 tree, unchanged in 9162; as listed in
 * transparency-dev/merkle testonly/constants.go, used as data only), then every proof for every
 * tree size 1..64 cross-checked against a second implementation written here, deliberately naive:
 * it follows the RFC's recursive definitions (MTH, PATH, SUBPROOF) literally and verifies a proof
 * by rebuilding the roots recursively, with no bit arithmetic.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CompactRange,
  consistencyProof,
  consistencyProofRanges,
  hashLeaf,
  inclusionProof,
  inclusionProofRanges,
  rangeHead,
  treeHead,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from './merkle.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

// ---- the naive second implementation -------------------------------------------------------
const h = (...parts: Uint8Array[]): Uint8Array => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};
const naiveLeaf = (data: Uint8Array): Uint8Array => h(Uint8Array.of(0), data);
const naiveNode = (l: Uint8Array, r: Uint8Array): Uint8Array => h(Uint8Array.of(1), l, r);
const naiveSplit = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);
/** MTH(D[n]) over leaf hashes, the recursive definition */
function naiveMth(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return h();
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  const k = naiveSplit(leaves.length);
  return naiveNode(naiveMth(leaves.slice(0, k)), naiveMth(leaves.slice(k)));
}
/** the root an audit path gives, rebuilt by walking the RFC's PATH recursion from the top */
function naiveRootFromPath(index: number, size: number, leaf: Uint8Array, path: readonly Uint8Array[]): Uint8Array | undefined {
  if (size === 1) return path.length === 0 ? leaf : undefined;
  if (path.length === 0) return undefined;
  const k = naiveSplit(size);
  const sibling = path[path.length - 1] as Uint8Array;
  const rest = path.slice(0, -1);
  if (index < k) {
    const left = naiveRootFromPath(index, k, leaf, rest);
    return left === undefined ? undefined : naiveNode(left, sibling);
  }
  const right = naiveRootFromPath(index - k, size - k, leaf, rest);
  return right === undefined ? undefined : naiveNode(sibling, right);
}
/**
 * The (old root, new root) a consistency proof gives, following SUBPROOF(m, D[n], b): `known` is
 * the old subtree's head when b is true and the proof leaves it out.
 */
function naiveSubproof(
  m: number,
  n: number,
  complete: boolean,
  proof: readonly Uint8Array[],
  known: Uint8Array,
): { old: Uint8Array; new: Uint8Array } | undefined {
  if (m === n) {
    if (complete) return proof.length === 0 ? { old: known, new: known } : undefined;
    return proof.length === 1 ? { old: proof[0] as Uint8Array, new: proof[0] as Uint8Array } : undefined;
  }
  if (proof.length === 0) return undefined;
  const k = naiveSplit(n);
  const sibling = proof[proof.length - 1] as Uint8Array;
  const rest = proof.slice(0, -1);
  if (m <= k) {
    const sub = naiveSubproof(m, k, complete, rest, known);
    return sub === undefined ? undefined : { old: sub.old, new: naiveNode(sub.new, sibling) };
  }
  const sub = naiveSubproof(m - k, n - k, false, rest, known);
  return sub === undefined ? undefined : { old: naiveNode(sibling, sub.old), new: naiveNode(sibling, sub.new) };
}
function naiveVerifyConsistency(m: number, n: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (m === 0 || m === n) return proof.length === 0 && (m === 0 || hex(oldRoot) === hex(newRoot));
  const result = naiveSubproof(m, n, true, proof, oldRoot);
  return result !== undefined && hex(result.old) === hex(oldRoot) && hex(result.new) === hex(newRoot);
}
// ---------------------------------------------------------------------------------------------

const VECTOR_DATA = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const VECTOR_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('rfc 9162 merkle tree', () => {
  const vectorLeaves = VECTOR_DATA.map(hashLeaf);

  it('reproduces the published tree heads for sizes 0..8, by the range and incrementally', () => {
    const range = new CompactRange();
    assert.equal(hex(range.root()), VECTOR_ROOTS[0]);
    for (let n = 0; n <= 8; n += 1) {
      assert.equal(hex(treeHead(vectorLeaves, 0, n)), VECTOR_ROOTS[n], `size ${n}`);
      if (n > 0) {
        range.append(vectorLeaves[n - 1] as Hash);
        assert.equal(hex(range.root()), VECTOR_ROOTS[n], `incremental size ${n}`);
      }
    }
  });

  it('generates and verifies the published inclusion and consistency proofs', () => {
    const root8 = unhex(VECTOR_ROOTS[8] as string);
    const inclusions: [number, string[]][] = [
      [0, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
      [5, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
    ];
    for (const [index, expected] of inclusions) {
      assert.deepEqual(inclusionProof(vectorLeaves, index, 8).map(hex), expected);
      assert.equal(verifyInclusion(index, 8, vectorLeaves[index] as Hash, expected.map(unhex), root8), true);
    }
    const consistencies: [number, number, string[]][] = [
      [2, 8, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
      [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
      [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
    ];
    for (const [first, second, expected] of consistencies) {
      assert.deepEqual(consistencyProof(vectorLeaves, first, second).map(hex), expected, `${first}..${second}`);
      const [a, b] = [unhex(VECTOR_ROOTS[first] as string), unhex(VECTOR_ROOTS[second] as string)];
      assert.equal(verifyConsistency(first, second, a, b, expected.map(unhex)), true);
    }
  });

  const leaves = Array.from({ length: 64 }, (_, i) => naiveLeaf(new TextEncoder().encode(`event ${i}`)));
  const roots = Array.from({ length: 65 }, (_, n) => naiveMth(leaves.slice(0, n)));

  it('agrees with the naive tree head for every size 0..64', () => {
    for (let n = 0; n <= 64; n += 1) assert.equal(hex(treeHead(leaves, 0, n)), hex(roots[n] as Uint8Array), `size ${n}`);
  });

  it('proves every leaf of every tree 1..64, as the naive verifier confirms, and rejects tampered paths', () => {
    for (let n = 1; n <= 64; n += 1) {
      const root = roots[n] as Uint8Array;
      for (let i = 0; i < n; i += 1) {
        const path = inclusionProof(leaves, i, n);
        const leaf = leaves[i] as Uint8Array;
        assert.equal(hex(naiveRootFromPath(i, n, leaf, path) ?? new Uint8Array()), hex(root), `naive ${i} in ${n}`);
        assert.equal(verifyInclusion(i, n, leaf, path, root), true, `${i} in ${n}`);
        // a wrong leaf, index, size, a flipped bit, a dropped or extra hash: each rejected by both verifiers
        const other = leaves[(i + 1) % 64] as Uint8Array;
        assert.equal(verifyInclusion(i, n, other, path, root), false);
        if (n > 1) {
          assert.equal(verifyInclusion((i + 1) % n, n, leaf, path, root), false, `index ${i + 1} for ${i} in ${n}`);
          const flipped = path.map((p, j) => (j === path.length - 1 ? Uint8Array.from(p, (b, x) => (x === 0 ? b ^ 1 : b)) : p));
          assert.equal(verifyInclusion(i, n, leaf, flipped, root), false);
          assert.equal(naiveRootFromPath(i, n, leaf, flipped) !== undefined && hex(naiveRootFromPath(i, n, leaf, flipped) as Uint8Array) === hex(root), false);
          assert.equal(verifyInclusion(i, n, leaf, path.slice(0, -1), root), false);
        }
        assert.equal(verifyInclusion(i, n, leaf, [...path, leaf], root), false);
      }
    }
  });

  it('proves every pair of sizes 0 <= m <= n <= 64 consistent, as the naive verifier confirms, and rejects tampered proofs', () => {
    for (let n = 1; n <= 64; n += 1) {
      for (let m = 0; m <= n; m += 1) {
        const proof = consistencyProof(leaves, m, n);
        const [oldRoot, newRoot] = [roots[m] as Uint8Array, roots[n] as Uint8Array];
        assert.equal(naiveVerifyConsistency(m, n, oldRoot, newRoot, proof), true, `naive ${m}..${n}`);
        assert.equal(verifyConsistency(m, n, oldRoot, newRoot, proof), true, `${m}..${n}`);
        if (m === 0 || m === n) continue;
        // another old root (a forked history), a bit flipped, a hash dropped: each rejected
        const forked = roots[m - 1] as Uint8Array;
        assert.equal(verifyConsistency(m, n, forked, newRoot, proof), false, `forked ${m}..${n}`);
        assert.equal(verifyConsistency(m, n, oldRoot, forked, proof), false);
        for (let j = 0; j < proof.length; j += 1) {
          const flipped = proof.map((p, x) => (x === j ? Uint8Array.from(p, (b, y) => (y === 31 ? b ^ 0x80 : b)) : p));
          assert.equal(verifyConsistency(m, n, oldRoot, newRoot, flipped), false, `flipped ${j} of ${m}..${n}`);
          assert.equal(naiveVerifyConsistency(m, n, oldRoot, newRoot, flipped), false);
        }
        assert.equal(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(1)), false);
        if (n < 64) assert.equal(verifyConsistency(m, n + 1, oldRoot, roots[n + 1] as Uint8Array, proof), false);
      }
    }
  });

  it('builds every proof of sizes 1..64 from the perfect subtrees an append completes, as the naive verifier confirms', () => {
    // what the store keeps: each subtree's hash as the compact range reports it while appending
    const stored = new Map<string, Uint8Array>();
    const range = new CompactRange();
    for (const [i, leaf] of leaves.entries()) {
      stored.set(`0/${i}`, leaf);
      range.append(leaf, (level, index, hash) => stored.set(`${level}/${index}`, hash));
    }
    for (let level = 1; level <= 6; level += 1) {
      for (let index = 0; index < 64 / 2 ** level; index += 1) {
        const width = 2 ** level;
        assert.equal(hex(stored.get(`${level}/${index}`) ?? new Uint8Array()), hex(naiveMth(leaves.slice(index * width, (index + 1) * width))), `node ${level}/${index}`);
      }
    }
    const head = ({ level, index }: { level: number; index: number }): Uint8Array => {
      const hash = stored.get(`${level}/${index}`);
      assert.ok(hash !== undefined, `node ${level}/${index} was not stored`);
      return hash;
    };
    for (let n = 1; n <= 64; n += 1) {
      assert.equal(hex(rangeHead(0, n, head)), hex(roots[n] as Uint8Array), `root of ${n}`);
      for (let i = 0; i < n; i += 1) {
        const path = inclusionProofRanges(i, n).map(([start, end]) => rangeHead(start, end, head));
        assert.equal(hex(naiveRootFromPath(i, n, leaves[i] as Uint8Array, path) ?? new Uint8Array()), hex(roots[n] as Uint8Array), `${i} in ${n}`);
      }
      for (let m = 1; m < n; m += 1) {
        const proof = consistencyProofRanges(m, n).map(([start, end]) => rangeHead(start, end, head));
        assert.equal(naiveVerifyConsistency(m, n, roots[m] as Uint8Array, roots[n] as Uint8Array, proof), true, `${m}..${n}`);
      }
    }
  });

  it('refuses proofs for leaves and sizes the tree does not have', () => {
    assert.throws(() => inclusionProof(leaves, 5, 5), /no leaf|no consistency proof/u);
    assert.throws(() => inclusionProof(leaves, 0, 65), /no leaf|no consistency proof/u);
    assert.throws(() => consistencyProof(leaves, 6, 5), /no leaf|no consistency proof/u);
    assert.equal(verifyInclusion(5, 5, leaves[5] as Uint8Array, [], roots[5] as Uint8Array), false);
    assert.equal(verifyConsistency(6, 5, roots[6] as Uint8Array, roots[5] as Uint8Array, []), false);
  });
});
