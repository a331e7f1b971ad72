package io.backupkit.core.internal.archive;

/**
 * A set of entry names kept as 64-bit hashes in an open-addressing table: 16 bytes per name at most,
 * so that refusing duplicate names does not hold every name of a large archive in memory. Two
 * different names that share a 64-bit hash (about 1 in 10^19 per pair) would be taken for a duplicate:
 * a refused archive, never a silently accepted one.
 */
final class NameSet {
    private long[] slots = new long[1024];
    private int size;

    /** Adds a name; false when it was there already. */
    boolean add(String name) {
        long hash = hash(name);
        if (hash == 0) {
            hash = 1; // 0 marks an empty slot
        }
        if ((size + 1) * 2L > slots.length) {
            grow();
        }
        if (!place(slots, hash)) {
            return false;
        }
        size++;
        return true;
    }

    private static boolean place(long[] table, long hash) {
        int mask = table.length - 1;
        int i = (int) (hash ^ (hash >>> 32)) & mask;
        while (table[i] != 0) {
            if (table[i] == hash) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = hash;
        return true;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        for (long hash : old) {
            if (hash != 0) {
                place(slots, hash);
            }
        }
    }

    /** FNV-1a over the name's characters, then a final mix. */
    private static long hash(String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
