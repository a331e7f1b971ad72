package io.backupkit.core.internal.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The layout of {@code manifest.json}, the last entry of every archive: every entry of every module, in
 * archive order, with what restore checks it against. It grows with the entries, so both sides stream
 * it: {@link Writer} as the archive is written, {@link Reader} as it is verified.
 *
 * <pre>{"format": 1, "modules": {"files": {"entries": [{"name", "mode", "mtime", "directory"?, "size"?,
 *     "sha256"?}, ...],
 *     "count": n, "bytes": n}, ...}}</pre>
 */
final class Manifest {
    static final String NAME = "manifest.json";
    private static final JsonFactory JSON = new JsonFactory();

    private Manifest() {
    }

    /**
     * One entry as the manifest lists it, with everything a restore recreates from it: its name, type,
     * permission bits and modification time, and for a file its size and SHA-256 (hex). The manifest's
     * SHA-256 is then the digest of the whole backup.
     *
     * @param mode the permission bits as written ({@code 07777} at most)
     * @param modified the modification time as written
     * @param sha256 the file's SHA-256 in hex; null for a directory
     */
    record Entry(String name, boolean directory, long size, int mode, Instant modified, String sha256) {
    }

    /** Writes the manifest to a stream, module by module; not thread-safe. */
    static final class Writer implements AutoCloseable {
        private final JsonGenerator out;

        Writer(OutputStream target) throws IOException {
            out = JSON.createGenerator(target);
            out.writeStartObject();
            out.writeNumberField("format", ArchiveHeader.FORMAT);
            out.writeObjectFieldStart("modules");
        }

        void startModule(String module) throws IOException {
            out.writeObjectFieldStart(module);
            out.writeArrayFieldStart("entries");
        }

        void entry(Entry entry) throws IOException {
            out.writeStartObject();
            out.writeStringField("name", entry.name());
            out.writeNumberField("mode", entry.mode());
            out.writeStringField("mtime", entry.modified().toString());
            if (entry.directory()) {
                out.writeBooleanField("directory", true);
            } else {
                out.writeNumberField("size", entry.size());
                out.writeStringField("sha256", entry.sha256());
            }
            out.writeEndObject();
        }

        void endModule(int count, long bytes) throws IOException {
            out.writeEndArray();
            out.writeNumberField("count", count);
            out.writeNumberField("bytes", bytes);
            out.writeEndObject();
        }

        /** Ends the document and closes the target. */
        void finish() throws IOException {
            out.writeEndObject();
            out.writeEndObject();
            out.close();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /**
     * Reads a manifest as a stream of modules and their entries; fields it does not check are skipped.
     * A manifest of another shape is an {@link ErrorCode#INTEGRITY} failure.
     */
    static final class Reader implements AutoCloseable {
        private final JsonParser in;
        private boolean inModules;
        private boolean inEntries;

        Reader(InputStream source) throws IOException {
            in = JSON.createParser(source);
            expect(next() == JsonToken.START_OBJECT);
        }

        /** The next module listed, or null at the end of the manifest. */
        String nextModule() throws IOException {
            if (inEntries) {
                while (nextEntry() != null) {
                    // the rest of the current module
                }
            }
            if (!inModules) {
                while (next() == JsonToken.FIELD_NAME) {
                    String field = in.currentName();
                    JsonToken value = next();
                    if (field.equals("modules")) {
                        expect(value == JsonToken.START_OBJECT);
                        inModules = true;
                        break;
                    }
                    in.skipChildren();
                }
                if (!inModules) {
                    return null;
                }
            }
            if (next() != JsonToken.FIELD_NAME) {
                inModules = false;
                while (next() == JsonToken.FIELD_NAME) { // what follows "modules"
                    next();
                    in.skipChildren();
                }
                return null;
            }
            String module = in.currentName();
            expect(next() == JsonToken.START_OBJECT);
            while (next() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                JsonToken value = next();
                if (field.equals("entries") && value == JsonToken.START_ARRAY) {
                    inEntries = true;
                    return module;
                }
                in.skipChildren();
            }
            return module; // a module without entries
        }

        /** The next entry of the current module, or null after its last. */
        Entry nextEntry() throws IOException {
            if (!inEntries) {
                return null;
            }
            JsonToken token = next();
            if (token != JsonToken.START_OBJECT) {
                expect(token == JsonToken.END_ARRAY);
                inEntries = false;
                while (next() == JsonToken.FIELD_NAME) { // the rest of the module: count, bytes
                    next();
                    in.skipChildren();
                }
                return null;
            }
            String name = null;
            boolean directory = false;
            long size = -1;
            int mode = -1;
            Instant modified = null;
            String sha256 = null;
            while (next() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                JsonToken value = next();
                switch (field) {
                    case "name" -> name = value == JsonToken.VALUE_STRING ? in.getText() : null;
                    case "directory" -> directory = value == JsonToken.VALUE_TRUE;
                    case "size" -> size = value == JsonToken.VALUE_NUMBER_INT ? in.getLongValue() : -1;
                    case "sha256" -> sha256 = value == JsonToken.VALUE_STRING ? in.getText() : null;
                    case "mode" -> mode = value == JsonToken.VALUE_NUMBER_INT ? in.getIntValue() : -1;
                    case "mtime" -> modified = value == JsonToken.VALUE_STRING ? instant(in.getText()) : null;
                    default -> in.skipChildren();
                }
            }
            return new Entry(name == null ? "" : name, directory, size, mode, modified, sha256);
        }

        private static Instant instant(String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return null;
            }
        }

        private JsonToken next() throws IOException {
            try {
                return in.nextToken();
            } catch (JsonProcessingException e) {
                throw integrity("'" + NAME + "' is not valid JSON");
            }
        }

        private static void expect(boolean condition) {
            if (!condition) {
                throw integrity("'" + NAME + "' does not have the manifest's shape");
            }
        }

        private static BackupException integrity(String message) {
            return new BackupException(ErrorCode.INTEGRITY, message);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
