"""The Merkle tree (RFC 9162, 2.1) against a naive recursive reading of the RFC, in memory and
kept in files: appends in batches, reopening, a crash mid-append, a reader while appending."""

import hashlib
import os
import random
import threading

import pytest

from events import merkle
from events.merkle import (EMPTY_ROOT, TreeFile, TreeFileError, consistency_proof, inclusion_proof, leaf_bytes,
                           leaf_hash, node_hash, root_of, verify_consistency, verify_inclusion)

pytestmark = pytest.mark.store_independent

SIZES = range(1, 41)


# ---- the RFC's definitions, word for word -----------------------------------------------------

def naive_mth(leaves: list[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]  # already SHA-256(0x00 ‖ d)
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(leaves[:k]) + naive_mth(leaves[k:])).digest()


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return naive_path(m, leaves[:k]) + [naive_mth(leaves[k:])]
    return naive_path(m - k, leaves[k:]) + [naive_mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [naive_mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return naive_subproof(m, leaves[:k], whole) + [naive_mth(leaves[k:])]
    return naive_subproof(m - k, leaves[k:], False) + [naive_mth(leaves[:k])]


def hashes_of(count: int, seed: int = 0) -> list[bytes]:
    return [leaf_hash(f"leaf {seed} {i}".encode()) for i in range(count)]


HASHES = hashes_of(max(SIZES))
ROOTS = [naive_mth(HASHES[:n]) for n in range(max(SIZES) + 1)]


# ---- hashing ----------------------------------------------------------------------------------

def test_hashes_are_the_rfc_ones():
    assert EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    assert root_of([]) == EMPTY_ROOT


def test_leaf_bytes_are_the_row_as_stored():
    leaf = leaf_bytes(7, "0b5c7c1e-2d8f-4c43-9e1a-3c2b8f0d9a11", 3, "events.people:Person.Renamed", b"\x00{}")
    assert leaf == (b"lansgrupp-wiki/event/v1\n7\n0b5c7c1e-2d8f-4c43-9e1a-3c2b8f0d9a11\n3\n"
                    b"events.people:Person.Renamed\n\x00{}")


# The reference tree heads of RFC 6962 implementations (certificate-transparency's test data).
CT_LEAVES = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43", bytes(range(0x50, 0x58)),
             bytes(range(0x60, 0x70))]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_reference_roots():
    hashes = [leaf_hash(leaf) for leaf in CT_LEAVES]
    assert [root_of(hashes[:n]).hex() for n in range(9)] == CT_ROOTS


@pytest.mark.parametrize("size", SIZES)
def test_roots_and_inclusion_proofs(size):
    assert root_of(HASHES[:size]) == ROOTS[size]
    for index in range(size):
        proof = inclusion_proof(HASHES, index, size)
        assert proof == naive_path(index, HASHES[:size])
        assert verify_inclusion(HASHES[index], index, size, proof, ROOTS[size])
        # wrong leaf, index, size, root, or a changed proof: refused
        assert not verify_inclusion(HASHES[index - 1] if size > 1 else HASHES[1], index, size, proof, ROOTS[size])
        assert not verify_inclusion(HASHES[index], index, size, proof, ROOTS[size - 1])
        for other in range(size + 2):
            if other != index:
                assert not verify_inclusion(HASHES[index], other, size, proof, ROOTS[size])
        for other in range(index + 1, max(SIZES) + 1):
            # (a size whose path has the same shape gives the same root: the checkpoint binds the size)
            if len(naive_path(index, HASHES[:other])) != len(proof):
                assert not verify_inclusion(HASHES[index], index, other, proof, ROOTS[size])
        for i in range(len(proof)):
            bent = list(proof)
            bent[i] = bytes([bent[i][0] ^ 1]) + bent[i][1:]
            assert not verify_inclusion(HASHES[index], index, size, bent, ROOTS[size])
        assert not verify_inclusion(HASHES[index], index, size, proof + [HASHES[0]], ROOTS[size])
        if proof:
            assert not verify_inclusion(HASHES[index], index, size, proof[:-1], ROOTS[size])


@pytest.mark.parametrize("new_size", SIZES)
def test_consistency_proofs(new_size):
    for old_size in range(1, new_size + 1):
        proof = consistency_proof(HASHES, old_size, new_size)
        expected = [] if old_size == new_size else naive_subproof(old_size, HASHES[:new_size], True)
        assert proof == expected
        old_root, new_root = ROOTS[old_size], ROOTS[new_size]
        assert verify_consistency(old_size, new_size, old_root, new_root, proof)
        assert not verify_consistency(old_size, new_size, ROOTS[old_size - 1], new_root, proof)
        if old_size != new_size:
            assert not verify_consistency(old_size, new_size, old_root, ROOTS[new_size - 1], proof)
            assert not verify_consistency(old_size, new_size, old_root, new_root, [])
            assert not verify_consistency(new_size, old_size, new_root, old_root, proof)
        for other in range(1, max(SIZES) + 1):
            if other != old_size and other <= new_size:
                assert not verify_consistency(other, new_size, old_root, new_root, proof)
        for i in range(len(proof)):
            bent = list(proof)
            bent[i] = bytes([bent[i][0] ^ 1]) + bent[i][1:]
            assert not verify_consistency(old_size, new_size, old_root, new_root, bent)
        assert not verify_consistency(old_size, new_size, old_root, new_root, proof + [HASHES[0]])


def test_consistency_from_the_empty_tree():
    assert consistency_proof(HASHES, 0, 5) == []
    assert verify_consistency(0, 5, EMPTY_ROOT, ROOTS[5], [])
    assert not verify_consistency(0, 5, ROOTS[1], ROOTS[5], [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, ROOTS[5], [HASHES[0]])


def test_bad_arguments():
    for index, size in [(-1, 3), (3, 3), (0, 0), (0, 41)]:
        with pytest.raises(ValueError):
            inclusion_proof(HASHES, index, size)
    for old_size, new_size in [(-1, 3), (4, 3), (3, 41)]:
        with pytest.raises(ValueError):
            consistency_proof(HASHES, old_size, new_size)
    proof = inclusion_proof(HASHES, 1, 4)
    assert not verify_inclusion(HASHES[1], True, 4, proof, ROOTS[4])
    assert not verify_inclusion(HASHES[1][:31], 1, 4, proof, ROOTS[4])
    assert not verify_inclusion(HASHES[1], 1, 4, proof, ROOTS[4].hex())


# ---- the tree kept in files -----------------------------------------------------------------------

def items(hashes, start=0, positions=None):
    return [((positions or (lambda i: 3 * i + 2))(i), hashes[i]) for i in range(start, len(hashes))]


def check_tree(tree: TreeFile, hashes: list[bytes]):
    size = len(hashes)
    assert tree.size() == size
    assert tree.root() == root_of(hashes)
    for n in range(size + 1):
        assert tree.root(n) == root_of(hashes[:n])
    for n in range(1, size + 1):
        for index in range(n):
            assert tree.inclusion_proof(index, n) == inclusion_proof(hashes, index, n)
        for m in range(n + 1):
            assert tree.consistency_proof(m, n) == consistency_proof(hashes, m, n)
    for index in range(size):
        assert tree.leaf_hash_at(index) == hashes[index]
        assert tree.position_of(index) == 3 * index + 2
        assert tree.leaf_index(3 * index + 2) == index
        assert tree.leaf_index(3 * index + 3) is None
    assert tree.leaf_index(1) is None


def test_tree_file_equals_the_tree_in_memory(tmp_path):
    rng = random.Random(16)
    hashes = hashes_of(70, seed=1)
    tree = TreeFile(str(tmp_path / "tree"))
    check_tree(tree, [])
    done = 0
    while done < len(hashes):
        batch = rng.randint(0, 9)
        assert tree.append(items(hashes[:done + batch], done)) == min(done + batch, len(hashes))
        done = min(done + batch, len(hashes))
        if rng.random() < 0.3:
            tree.close()
            tree = TreeFile(str(tmp_path / "tree"))
        assert tree.root() == root_of(hashes[:done])
    check_tree(tree, hashes)
    with pytest.raises(ValueError):
        tree.root(71)
    with pytest.raises(ValueError):
        tree.inclusion_proof(70, 70)
    with pytest.raises(ValueError):
        tree.consistency_proof(3, 71)
    tree.reset()
    check_tree(tree, [])
    tree.append(items(hashes[:5]))
    check_tree(tree, hashes[:5])


def test_tree_file_refuses_positions_out_of_order_and_skips_known_ones(tmp_path):
    hashes = hashes_of(6)
    tree = TreeFile(str(tmp_path))
    tree.append(items(hashes[:4]))
    assert tree.append(items(hashes[:5], 2)) == 5  # positions it holds already: skipped
    with pytest.raises(ValueError):
        tree.append([(2, hashes[1])])  # a kept position with another hash
    with pytest.raises(ValueError):
        tree.append([(3, hashes[5])])  # a position it never had
    with pytest.raises(ValueError):
        tree.append([(20, hashes[5]), (17, hashes[5])])
    with pytest.raises(ValueError):
        tree.append([(20, b"short")])
    check_tree(tree, hashes[:5])


def test_tree_file_survives_a_crash_mid_append(tmp_path):
    """An append that wrote some of its nodes but not `size` leaves the tree as before."""
    rng = random.Random(7)
    hashes = hashes_of(40, seed=2)
    folder = str(tmp_path)
    for _ in range(8):
        TreeFile(folder).reset()
        old = rng.randint(0, 30)
        TreeFile(folder).append(items(hashes[:old]))
        with open(os.path.join(folder, "size"), "rb") as file:
            size_before = file.read()
        TreeFile(folder).append(items(hashes, old))
        with open(os.path.join(folder, "size"), "wb") as file:
            file.write(size_before)  # the crash came before `size` was replaced
        for name in os.listdir(folder):
            if name.startswith("level-") or name == "positions":
                path = os.path.join(folder, name)
                unit = 8 if name == "positions" else 32
                keep = (old >> int(name[6:]) if name != "positions" else old) * unit
                os.truncate(path, rng.randint(keep, os.path.getsize(path)))  # partly written
        tree = TreeFile(folder)
        assert tree.size() == old and tree.root() == root_of(hashes[:old])
        tree.append(items(hashes, old))
        check_tree(tree, hashes)


def test_tree_file_shorter_than_its_size_asks_for_a_rebuild(tmp_path):
    tree = TreeFile(str(tmp_path))
    tree.append(items(hashes_of(9)))
    os.truncate(tmp_path / "level-00", 8 * 32)
    with pytest.raises(TreeFileError):
        TreeFile(str(tmp_path)).leaf_hash_at(8)
    with pytest.raises(TreeFileError):
        TreeFile(str(tmp_path)).append(items(hashes_of(10), 9))


def test_reader_while_appending(tmp_path):
    hashes = hashes_of(600, seed=3)
    roots = {n: root_of(hashes[:n]) for n in range(len(hashes) + 1)}
    folder = str(tmp_path)
    errors, done = [], threading.Event()

    def write():
        try:
            writer = TreeFile(folder)
            for start in range(0, len(hashes), 7):
                writer.append(items(hashes[:start + 7], start))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            done.set()

    reader = TreeFile(folder)
    thread = threading.Thread(target=write)
    thread.start()
    seen = set()
    while not done.is_set() or len(seen) < 2:
        size = reader.size()
        seen.add(size)
        assert reader.root(size) == roots[size]
        if size:
            index = size // 2
            proof = reader.inclusion_proof(index, size)
            assert verify_inclusion(hashes[index], index, size, proof, roots[size])
            proof = reader.consistency_proof(index + 1, size)
            assert verify_consistency(index + 1, size, roots[index + 1], roots[size], proof)
        if done.is_set():
            break
    thread.join()
    assert not errors
    assert reader.size() == len(hashes) and reader.root() == roots[len(hashes)]


def test_two_writers_take_turns(tmp_path):
    """Two writers catching up on the same log: the lock and the skipping of known positions
    leave one tree."""
    hashes = hashes_of(300, seed=4)
    folder = str(tmp_path)
    errors = []

    def write():
        try:
            tree = TreeFile(folder)
            for end in range(10, len(hashes) + 1, 10):
                size = tree.size()
                tree.append(items(hashes[:end], size))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    tree = TreeFile(folder)
    assert tree.size() == len(hashes) and tree.root() == root_of(hashes)


def test_large_append_flushes_in_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(merkle, "FLUSH_LEAVES", 16)
    hashes = hashes_of(100, seed=5)
    tree = TreeFile(str(tmp_path))
    tree.append(items(hashes[:3]))
    tree.append(items(hashes, 3))
    check_tree(tree, hashes)
