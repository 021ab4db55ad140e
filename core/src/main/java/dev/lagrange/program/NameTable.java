package dev.lagrange.program;

import java.util.Arrays;

/**
 * Names to node ids: an open-addressing hash table (linear probing, load at most 1/2) of two flat
 * arrays, about 16 bytes per name besides the name itself, where a {@code HashMap<String, Integer>}
 * costs about 60; a program of 10^7 nodes may have millions of names. Not thread-safe while it grows.
 */
final class NameTable {
    private String[] keys;
    private int[] values;
    private int size;

    NameTable() {
        this(16);
    }

    /** Room for {@code expected} names before the first growth. */
    NameTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(8, 2 * expected - 1)) << 1;
        keys = new String[capacity];
        values = new int[capacity];
    }

    /** The id of {@code name}, or -1. */
    int get(String name) {
        int mask = keys.length - 1;
        for (int k = mix(name.hashCode()) & mask;; k = (k + 1) & mask) {
            String key = keys[k];
            if (key == null) {
                return -1;
            }
            if (key.equals(name)) {
                return values[k];
            }
        }
    }

    boolean contains(String name) {
        return get(name) >= 0;
    }

    /** Maps {@code name} to {@code id} ({@code id >= 0}), replacing any earlier id. */
    void put(String name, int id) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int k = mix(name.hashCode()) & mask;
        while (keys[k] != null && !keys[k].equals(name)) {
            k = (k + 1) & mask;
        }
        if (keys[k] == null) {
            keys[k] = name;
            size++;
        }
        values[k] = id;
    }

    int size() {
        return size;
    }

    /** The names, in no particular order. */
    Iterable<String> names() {
        return () -> Arrays.stream(keys).filter(k -> k != null).iterator();
    }

    private void grow() {
        String[] oldKeys = keys;
        int[] oldValues = values;
        keys = new String[2 * oldKeys.length];
        values = new int[2 * oldKeys.length];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != null) {
                int k = mix(oldKeys[j].hashCode()) & mask;
                while (keys[k] != null) {
                    k = (k + 1) & mask;
                }
                keys[k] = oldKeys[j];
                values[k] = oldValues[j];
            }
        }
    }

    /** Spreads String hash codes, which differ little between h[1], h[2], ..., over the table. */
    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
