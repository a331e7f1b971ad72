package io.backupkit.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.backupkit.api.AbortResult;
import io.backupkit.api.ApiError;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.HostKey;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.ServerCheck;
import io.backupkit.api.Violation;
import io.backupkit.core.internal.json.ModelTrees;
import io.backupkit.core.internal.json.PrettyLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Reads and writes every resource and type of the specification as JSON, with the spec's exact field
 * names, and the bodies and answers of the HTTP API's actions ({@link BackupRequest},
 * {@link RestoreRequest}, {@link HostKey}, {@link AbortResult}, {@link ServerCheck},
 * {@link ApiError}) the same way. Thread-safe; create one and share it.
 *
 * <p>Reading is strict: duplicate keys, unknown fields (except where the spec allows {@code <prop>:
 * any}), strings or floats where an integer is due, integers out of range, and documents nested
 * deeper than {@value #MAX_DEPTH} levels, with strings longer than {@value #MAX_STRING_LENGTH}
 * characters or longer than {@value #MAX_DOCUMENT_LENGTH} bytes are refused. Every problem found is
 * reported at once in one {@link InvalidInputException}, each with its field path
 * ({@code scheduled_backup.rrule.count}), its rule and its value. A JSON {@code null} reads as an
 * absent field.
 *
 * <p>Writing leaves absent optional fields out (never {@code null}) and puts declared fields in the
 * spec's alphabetical order, then extension properties in the order they were given.
 */
public final class JsonCodec {
    /** The deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 32;
    /** The longest string accepted, in characters. */
    public static final int MAX_STRING_LENGTH = 1 << 20;
    /** The largest document accepted, in bytes. */
    public static final long MAX_DOCUMENT_LENGTH = 64L << 20;

    private final ObjectMapper mapper;
    private final ObjectWriter pretty;
    private final ObjectWriter compact;

    public JsonCodec() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNameLength(1024)
                        .maxNumberLength(64)
                        .maxDocumentLength(MAX_DOCUMENT_LENGTH)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
        pretty = mapper.writer(new PrettyLayout());
        compact = mapper.writer();
    }

    /** Reads a whole stored or listed document of {@code type}. */
    public <T> T read(byte[] json, Class<T> type) {
        return read(new ByteArrayInputStream(json), type, false);
    }

    /** Reads a whole stored or listed document of {@code type}. */
    public <T> T read(String json, Class<T> type) {
        return read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    /**
     * Reads a document of {@code type} from a stream, which is not closed.
     *
     * @throws InvalidInputException with every violation found
     * @throws UncheckedIOException when the stream fails
     */
    public <T> T read(InputStream json, Class<T> type) {
        return read(json, type, false);
    }

    /**
     * Reads a client's request body of {@code type}: read-only fields ({@code server.id},
     * {@code server.public_key}, {@code scheduled_backup.id}, {@code last_backup}, {@code next_backup})
     * are ignored, not trusted. A {@link HostKey}'s {@code trusted} is refused as an unknown field: a
     * client trusts a key by sending its {@code fingerprint}.
     */
    public <T> T readRequest(byte[] json, Class<T> type) {
        return read(new ByteArrayInputStream(json), type, true);
    }

    /** As {@link #readRequest(byte[], Class)}. */
    public <T> T readRequest(String json, Class<T> type) {
        return readRequest(json.getBytes(StandardCharsets.UTF_8), type);
    }

    /** As {@link #readRequest(byte[], Class)}, from a stream, which is not closed. */
    public <T> T readRequest(InputStream json, Class<T> type) {
        return read(json, type, true);
    }

    private <T> T read(InputStream json, Class<T> type, boolean request) {
        String root = ModelTrees.rootName(type);
        JsonNode tree;
        try (JsonParser parser = mapper.createParser(json)) {
            parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            tree = mapper.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw invalid(root, "exceeds a limit: " + e.getOriginalMessage());
        } catch (StreamReadException e) {
            throw invalid(pathOf(root, e), "must be valid JSON: " + e.getOriginalMessage() + location(e));
        } catch (MismatchedInputException e) {
            throw invalid(root, "must be one JSON document: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + root + " JSON", e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw invalid(root, "must be a JSON document, not empty input");
        }
        return ModelTrees.read(tree, type, request);
    }

    private static InvalidInputException invalid(String path, String rule) {
        return new InvalidInputException(List.of(new Violation(path, rule, null)));
    }

    private static String location(StreamReadException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /** The path of the field the parser was in when it failed, in our form. */
    private static String pathOf(String root, StreamReadException e) {
        JsonParser parser = e.getProcessor();
        if (parser == null) {
            return root;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                segments.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.getCurrentName() != null) {
                segments.push("." + c.getCurrentName());
            }
        }
        return root + String.join("", segments);
    }

    /** The value as pretty JSON (two-space indent, {@code \n} line ends, no trailing newline). */
    public String write(Object value) {
        try {
            return pretty.writeValueAsString(ModelTrees.tree(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value as compact UTF-8 JSON on one line. */
    public byte[] writeCompact(Object value) {
        try {
            return compact.writeValueAsBytes(ModelTrees.tree(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the value as compact UTF-8 JSON to a stream, which is not closed. */
    public void writeCompact(Object value, OutputStream out) throws IOException {
        compact.without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValue(out, ModelTrees.tree(value));
    }
}
