package io.backupkit.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The deterministic data set: 70% of the bytes in 4 large files, 30% in files of 1-16 KiB spread over a
 * few hundred nested directories (per GiB: about 37,000 files in about 390 directories). Every file is
 * half pseudo-random bytes and half log-like text, so it compresses about 1.8:1 with zstd -3.
 *
 * <p>Layout: {@code <work>/dataset-<size>-<seed>/data/} holds the files (the directory that is backed
 * up), {@code dataset.properties} beside it marks a complete data set; it is written last, and a data
 * set whose marker is missing or does not match is deleted and generated again.
 */
final class DataSet {
    /** Bump when the generator changes, so that old data sets are not reused. */
    private static final int VERSION = 1;
    private static final int LARGE_FILES = 4;
    private static final int LARGE_PERCENT = 70;
    private static final int SMALL_MIN = 1024;
    private static final int SMALL_MAX = 16 * 1024;
    private static final int FILES_PER_DIRECTORY = 100;
    private static final int BLOCK = 64 * 1024;
    private static final String MARKER = "dataset.properties";

    private final Path directory;
    private final long bytes;
    private final int files;
    private final int directories;
    private final long seed;

    private DataSet(Path directory, long bytes, int files, int directories, long seed) {
        this.directory = directory;
        this.bytes = bytes;
        this.files = files;
        this.directories = directories;
        this.seed = seed;
    }

    /** Where the data set of {@code size} bytes with {@code seed} lives below {@code work}. */
    static Path location(Path work, long size, long seed) {
        return work.resolve("dataset-" + size + "-" + seed);
    }

    /** Whether a complete data set of {@code size} with {@code seed} is in {@code work}. */
    static boolean exists(Path work, long size, long seed) {
        return read(location(work, size, seed), size, seed) != null;
    }

    /** Reuses the data set in {@code work} when its marker matches, or generates it. */
    static DataSet prepare(Path work, long size, long seed, PrintStream log) throws IOException {
        Path directory = location(work, size, seed);
        DataSet existing = read(directory, size, seed);
        if (existing != null) {
            log.println("Reusing the data set in " + directory + " (" + existing.describe() + ")");
            return existing;
        }
        if (Files.exists(directory)) {
            log.println("Deleting the incomplete or outdated data set in " + directory);
            Trees.delete(directory);
        }
        log.println("Generating a data set of " + Options.human(size) + " in " + directory);
        long started = System.nanoTime();
        DataSet generated = generate(directory, size, seed);
        log.printf(Locale.ROOT, "Generated %s in %.1f s%n", generated.describe(), (System.nanoTime() - started) / 1e9);
        return generated;
    }

    /** The directory that is backed up: {@code <data set>/data}. */
    Path data() {
        return directory.resolve("data");
    }

    /** The directory holding {@link #data()} and the marker. */
    Path directory() {
        return directory;
    }

    /** The payload: the sum of every file's size. */
    long bytes() {
        return bytes;
    }

    int files() {
        return files;
    }

    /** Directories below and including {@link #data()}. */
    int directories() {
        return directories;
    }

    String describe() {
        return String.format(Locale.ROOT, "%s (%,d bytes) in %,d files and %,d directories: %d large files with %d%% "
                + "of the bytes, the rest in files of 1-16 KiB; half pseudo-random, half text; seed %d",
                Options.human(bytes), bytes, files, directories, LARGE_FILES, LARGE_PERCENT, seed);
    }

    private static DataSet read(Path directory, long size, long seed) {
        Path marker = directory.resolve(MARKER);
        if (!Files.isRegularFile(marker) || !Files.isDirectory(directory.resolve("data"))) {
            return null;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(marker, UTF_8)) {
            p.load(in);
            if (Integer.parseInt(p.getProperty("version", "0")) != VERSION
                    || Long.parseLong(p.getProperty("size", "-1")) != size
                    || Long.parseLong(p.getProperty("seed", "0")) != seed) {
                return null;
            }
            return new DataSet(directory, Long.parseLong(p.getProperty("bytes")), Integer.parseInt(p.getProperty("files")),
                    Integer.parseInt(p.getProperty("directories")), seed);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static DataSet generate(Path directory, long size, long seed) throws IOException {
        Path data = directory.resolve("data");
        Files.createDirectories(data);
        Content content = new Content(seed);
        byte[] buffer = new byte[Math.max(BLOCK, SMALL_MAX * 2)];
        int files = 0;
        int directories = 1;

        long large = size * LARGE_PERCENT / 100;
        Path largeDirectory = Files.createDirectory(data.resolve("large"));
        directories++;
        for (int i = 0; i < LARGE_FILES; i++) {
            long length = i < LARGE_FILES - 1 ? large / LARGE_FILES : large - (large / LARGE_FILES) * (LARGE_FILES - 1);
            try (OutputStream out = Files.newOutputStream(largeDirectory.resolve(String.format("large-%d.bin", i)))) {
                for (long written = 0; written < length; ) {
                    int n = (int) Math.min(BLOCK, length - written);
                    content.fill(buffer, n);
                    out.write(buffer, 0, n);
                    written += n;
                }
            }
            files++;
        }

        long small = size - large;
        long expected = Math.max(1, small / ((SMALL_MIN + SMALL_MAX) / 2));
        int leaves = (int) Math.max(1, Math.round(expected / (double) FILES_PER_DIRECTORY));
        int groups = (int) Math.ceil(Math.sqrt(leaves));
        Path smallDirectory = Files.createDirectory(data.resolve("small"));
        directories++;
        List<Path> leafDirectories = new ArrayList<>(leaves);
        for (int g = 0; g < groups; g++) {
            Files.createDirectory(smallDirectory.resolve(String.format("g%02d", g)));
            directories++;
        }
        for (int l = 0; l < leaves; l++) {
            Path leaf = smallDirectory.resolve(String.format("g%02d", l % groups)).resolve(String.format("d%04d", l));
            leafDirectories.add(Files.createDirectory(leaf));
            directories++;
        }
        SplittableRandom sizes = new SplittableRandom(seed ^ 0x5DEECE66DL);
        String[] suffixes = {".txt", ".json", ".bin", ".log", ".xml", ".dat"};
        long left = small;
        for (int i = 0; left > 0; i++) {
            int length = sizes.nextInt(SMALL_MIN, SMALL_MAX + 1);
            if (left - length < SMALL_MIN) {
                length = (int) left;
            }
            content.fill(buffer, length);
            Path file = leafDirectories.get(i % leaves).resolve(String.format("f%06d%s", i, suffixes[i % suffixes.length]));
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(buffer, 0, length);
            }
            left -= length;
            files++;
        }

        Properties p = new Properties();
        p.setProperty("version", Integer.toString(VERSION));
        p.setProperty("size", Long.toString(size));
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("bytes", Long.toString(size));
        p.setProperty("files", Integer.toString(files));
        p.setProperty("directories", Integer.toString(directories));
        try (Writer out = Files.newBufferedWriter(directory.resolve(MARKER), UTF_8)) {
            p.store(out, "backupkit benchmark data set; delete the directory to regenerate it");
        }
        return new DataSet(directory, size, files, directories, seed);
    }

    /** Half pseudo-random bytes, half log-like text lines with a running counter. */
    private static final class Content {
        private static final byte[] LINE = "2024-09-17T12:34:56.789Z INFO  worker-0 request 0000000 GET /api/items 200\n"
                .getBytes(US_ASCII);
        private static final int WORKER = "2024-09-17T12:34:56.789Z INFO  worker-".length();
        private static final int COUNTER = "2024-09-17T12:34:56.789Z INFO  worker-0 request ".length();

        private final SplittableRandom random;
        private final byte[] line = LINE.clone();
        private long counter;
        private int linePosition;

        Content(long seed) {
            random = new SplittableRandom(seed);
        }

        /** Fills {@code buffer[0..length)}: the first half random, the rest text. */
        void fill(byte[] buffer, int length) {
            int half = length / 2;
            int i = 0;
            for (; i + 8 <= half; i += 8) {
                long r = random.nextLong();
                for (int b = 0; b < 8; b++) {
                    buffer[i + b] = (byte) (r >>> (b * 8));
                }
            }
            for (; i < half; i++) {
                buffer[i] = (byte) random.nextInt(256);
            }
            for (; i < length; i++) {
                if (linePosition == 0) {
                    nextLine();
                }
                buffer[i] = line[linePosition];
                linePosition = (linePosition + 1) % line.length;
            }
        }

        private void nextLine() {
            counter++;
            line[WORKER] = (byte) ('0' + counter % 7);
            long n = counter;
            for (int d = COUNTER + 6; d >= COUNTER; d--) {
                line[d] = (byte) ('0' + n % 10);
                n /= 10;
            }
        }
    }
}
