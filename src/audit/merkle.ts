/**
 * RFC 9162 (Certificate Transparency 2.0) §2.1 Merkle tree hashing over the audit log's leaves:
 * leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), the tree head MTH of a
 * list whose size is not a power of two split at the largest power of two below it; inclusion
 * proofs (§2.1.3) and consistency proofs (§2.1.4), generated from the leaf hashes and verified
 * with the RFC's iterative algorithms (not by rebuilding the tree), so the verifier is
 * independent of the generator.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { ParapetError, internalError } from '../policy/index.ts';

export type Hash = Uint8Array;

const LEAF_PREFIX = Uint8Array.of(0x00);

export function sha256(...parts: readonly Uint8Array[]): Hash {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** the RFC 9162 leaf hash of one entry's bytes */
export function hashLeaf(data: Uint8Array): Hash {
  return sha256(LEAF_PREFIX, data);
}

/** the input of `hashChildren`, reused: a typed array over 64 bytes is allocated outside the heap, which costs more than the hash */
const CHILDREN = new Uint8Array(65);

/** the RFC 9162 interior node hash */
export function hashChildren(left: Hash, right: Hash): Hash {
  // one buffer and the one-shot hash: a third of the time of a streamed hash, and verification
  // makes one of these per event
  if (left.length !== 32 || right.length !== 32) return sha256(Uint8Array.of(0x01), left, right);
  CHILDREN[0] = 0x01;
  CHILDREN.set(left, 1);
  CHILDREN.set(right, 33);
  const digest = oneShotHash('sha256', CHILDREN, 'buffer');
  // a plain Uint8Array view (no copy), like every other hash here
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}

export function equalHashes(a: Hash, b: Hash): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** the largest power of two strictly below n (n >= 2) */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The leaf hashes a proof is computed from: an array, or anything that can hand out a range of
 * leaf hashes (the store answers from its table).
 */
export type LeafHashes = readonly Hash[];

/** MTH(D[start:end]) from the leaf hashes, in O(end - start) */
export function treeHead(leaves: LeafHashes, start = 0, end = leaves.length): Hash {
  if (end < start || end > leaves.length || start < 0) throw new ParapetError('invalid-input', `bad leaf range ${start}..${end}`);
  if (end === start) return sha256();
  const range = new CompactRange();
  for (let i = start; i < end; i += 1) range.append(leaves[i] as Hash);
  return range.root();
}

/**
 * An incremental tree head: the perfect subtrees of the leaves appended so far, largest first.
 * Folding them from the right gives MTH, because MTH splits off the largest perfect subtree on
 * the left at every level. Constant memory per level: verification streams millions of events.
 */
export class CompactRange {
  private readonly hashes: Hash[] = [];
  private readonly sizes: number[] = [];
  private count = 0;

  /**
   * The range continued from a saved state (`state()`): a checkpoint stores it, so the next one
   * hashes only the leaves after it instead of the whole log.
   */
  static fromState(state: { readonly sizes: readonly number[]; readonly hashes: readonly Hash[] }): CompactRange {
    const range = new CompactRange();
    if (state.sizes.length !== state.hashes.length) throw internalError('a compact range has one size per hash');
    let previous = Infinity;
    for (const [i, size] of state.sizes.entries()) {
      // perfect subtrees, strictly decreasing powers of two: anything else is not a frontier of a tree
      if (!(size < previous) || 2 ** Math.floor(Math.log2(size)) !== size) throw internalError('not a compact range');
      previous = size;
      range.sizes.push(size);
      range.hashes.push(state.hashes[i] as Hash);
      range.count += size;
    }
    return range;
  }

  state(): { readonly sizes: readonly number[]; readonly hashes: readonly Hash[] } {
    return { sizes: [...this.sizes], hashes: [...this.hashes] };
  }

  get size(): number {
    return this.count;
  }

  /** `completed` hears of every perfect subtree above the leaf this append completes */
  append(leafHash: Hash, completed?: (level: number, index: number, hash: Hash) => void): void {
    let hash = leafHash;
    let size = 1;
    let level = 0;
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === size) {
      this.sizes.pop();
      hash = hashChildren(this.hashes.pop() as Hash, hash);
      size *= 2;
      level += 1;
      completed?.(level, (this.count + 1) / size - 1, hash);
    }
    this.hashes.push(hash);
    this.sizes.push(size);
    this.count += 1;
  }

  root(): Hash {
    if (this.hashes.length === 0) return sha256();
    let root = this.hashes[this.hashes.length - 1] as Hash;
    for (let i = this.hashes.length - 2; i >= 0; i -= 1) root = hashChildren(this.hashes[i] as Hash, root);
    return root;
  }
}

/**
 * A perfect subtree of the log: the 2^level leaves from leaf index * 2^level. The store keeps the
 * hash of every one it completes (level 0: the leaf hashes), so a proof reads O(log n) of them.
 */
export interface Subtree {
  readonly level: number;
  readonly index: number;
}

/**
 * The perfect subtrees whose heads, folded from the right, give MTH(D[start:end]), largest first.
 * Holds for the ranges RFC 9162's recursion makes (`start` a multiple of a power of two at least
 * `end - start`): MTH splits off the largest perfect subtree on the left at every level.
 */
export function perfectSubtrees(start: number, end: number): Subtree[] {
  const subtrees: Subtree[] = [];
  let at = start;
  let left = end - start;
  while (left > 0) {
    let width = 1;
    let level = 0;
    while (width * 2 <= left) {
      width *= 2;
      level += 1;
    }
    subtrees.push({ level, index: at / width });
    at += width;
    left -= width;
  }
  return subtrees;
}

/** MTH(D[start:end]) from the heads of its perfect subtrees (`perfectSubtrees`) */
export function rangeHead(start: number, end: number, head: (subtree: Subtree) => Hash): Hash {
  if (end === start) return sha256();
  const subtrees = perfectSubtrees(start, end);
  let root = head(subtrees[subtrees.length - 1] as Subtree);
  for (let i = subtrees.length - 2; i >= 0; i -= 1) root = hashChildren(head(subtrees[i] as Subtree), root);
  return root;
}

/** a range of leaves [start, end) whose tree head is one element of a proof */
export type LeafRange = readonly [start: number, end: number];

/** the ranges whose heads make PATH(m, D[n]) of RFC 9162 §2.1.3.1, leaf first */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new ParapetError('invalid-input', `no leaf ${index} in a tree of ${size}`);
  }
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = size;
  let m = index;
  // walk down from the root, collecting the sibling subtree at each level; the path lists them leaf first
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
    }
  }
  return ranges.reverse();
}

/** the ranges whose heads make PROOF(m, D[n]) of RFC 9162 §2.1.4.1 */
export function consistencyProofRanges(first: number, second: number): LeafRange[] {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) {
    throw new ParapetError('invalid-input', `no consistency proof from ${first} to ${second}`);
  }
  if (first === 0 || first === second) return [];
  const ranges: LeafRange[] = [];
  // SUBPROOF(m, D[start:end], b), unrolled: each step appends one sibling, the recursion's order reversed at the end
  let start = 0;
  let end = second;
  let m = first;
  let complete = true;
  for (;;) {
    const n = end - start;
    if (m === n) {
      if (!complete) ranges.push([start, end]);
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
      complete = false;
    }
  }
  return ranges.reverse();
}

/** PATH(m, D[n]) of RFC 9162 §2.1.3.1: the audit path of leaf `index` in the tree of the first `size` leaves */
export function inclusionProof(leaves: LeafHashes, index: number, size = leaves.length): Hash[] {
  if (size > leaves.length) throw new ParapetError('invalid-input', `no leaf ${index} in a tree of ${size}`);
  return inclusionProofRanges(index, size).map(([start, end]) => treeHead(leaves, start, end));
}

/** PROOF(m, D[n]) of RFC 9162 §2.1.4.1: the consistency proof from the tree of `first` leaves to the tree of `second` */
export function consistencyProof(leaves: LeafHashes, first: number, second = leaves.length): Hash[] {
  if (second > leaves.length) throw new ParapetError('invalid-input', `no consistency proof from ${first} to ${second}`);
  return consistencyProofRanges(first, second).map(([start, end]) => treeHead(leaves, start, end));
}

/** RFC 9162 §2.1.3.2: does `path` prove the leaf at `index` is in the tree of `size` with head `root` */
export function verifyInclusion(index: number, size: number, leafHash: Hash, path: readonly Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  // BigInt keeps the shifts exact for sizes past 2^31 (JavaScript's bit operators are 32-bit)
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leafHash;
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = hashChildren(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalHashes(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `second` (head `secondRoot`) extends the tree of `first` */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  // the two cases the RFC's algorithm leaves to the caller: the empty tree is a prefix of every tree, a tree of itself
  if (first === 0) return proof.length === 0;
  if (first === second) return proof.length === 0 && equalHashes(firstRoot, secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = BigInt(first - 1);
  let sn = BigInt(second - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0] as Hash;
  let sr = path[0] as Hash;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return equalHashes(fr, firstRoot) && equalHashes(sr, secondRoot) && sn === 0n;
}

function isPowerOfTwo(n: number): boolean {
  // not n & (n - 1): bit operators truncate to 32 bits
  return n > 0 && 2 ** Math.floor(Math.log2(n)) === n;
}
