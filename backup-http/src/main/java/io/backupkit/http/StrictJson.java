package io.backupkit.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.Violation;
import io.backupkit.core.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the bodies of the actions, which are not types of the model ({@code {"name", "desc",
 * "contents"}}, ...), as strictly as {@link JsonCodec} reads the model: duplicate keys, trailing
 * tokens, unknown fields and wrong types are refused, every violation reported at once; a
 * {@code content_info} inside is read by the codec itself. Also writes the small JSON objects of the
 * HTTP layer (errors, host keys).
 */
final class StrictJson {
    private final ObjectMapper mapper;
    private final JsonCodec codec;

    StrictJson(JsonCodec codec) {
        this.codec = codec;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(JsonCodec.MAX_DEPTH)
                        .maxStringLength(JsonCodec.MAX_STRING_LENGTH)
                        .maxNameLength(1024)
                        .maxNumberLength(64)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    JsonCodec codec() {
        return codec;
    }

    /** A new empty object to answer with. */
    ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** Compact UTF-8 JSON and a newline. */
    byte[] write(JsonNode node) {
        try {
            byte[] json = mapper.writeValueAsBytes(node);
            byte[] body = Arrays.copyOf(json, json.length + 1);
            body[json.length] = '\n';
            return body;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The body as a JSON object whose violations are reported under {@code root}.
     *
     * @throws InvalidInputException when it is not one well-formed JSON object
     */
    Fields parse(byte[] body, String root) {
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw invalid(root, "exceeds a limit: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw invalid(root, "must be valid JSON: " + e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw invalid(root, "must be a JSON document, not empty input");
        }
        if (!tree.isObject()) {
            throw new InvalidInputException(List.of(new Violation(root, "must be an object", abbreviate(tree))));
        }
        return new Fields((ObjectNode) tree, root);
    }

    private static InvalidInputException invalid(String path, String rule) {
        return new InvalidInputException(List.of(new Violation(path, rule, null)));
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /**
     * The violations of {@code e} with the field paths under {@code from} moved to {@code to}
     * ({@code content_info.modules[0]} to {@code backup_request.contents.modules[0]}).
     */
    static InvalidInputException reroot(InvalidInputException e, String from, String to) {
        List<Violation> moved = new ArrayList<>();
        for (Violation v : e.violations()) {
            String field = v.field();
            if (field.equals(from) || field.startsWith(from + ".") || field.startsWith(from + "[")) {
                field = to + field.substring(from.length());
            }
            moved.add(new Violation(field, v.rule(), v.value()));
        }
        return new InvalidInputException(moved);
    }

    /** The fields of one request object, read once each; what is left at {@link #done()} is unknown. */
    final class Fields {
        private final ObjectNode node;
        private final String root;
        private final Set<String> read = new LinkedHashSet<>();
        private final List<Violation> violations = new ArrayList<>();

        private Fields(ObjectNode node, String root) {
            this.node = node;
            this.root = root;
        }

        private String at(String name) {
            return root + "." + name;
        }

        private JsonNode field(String name) {
            read.add(name);
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : value;
        }

        /** A string field; null when absent (a violation when required). */
        String string(String name, boolean required) {
            JsonNode value = field(name);
            if (value == null) {
                if (required) {
                    violations.add(new Violation(at(name), "is required", null));
                }
                return null;
            }
            if (!value.isTextual()) {
                violations.add(new Violation(at(name), "must be a string", abbreviate(value)));
                return null;
            }
            return value.textValue();
        }

        /** A {@code content_info} field read by the codec; null when absent or invalid. */
        ContentInfo contents(String name) {
            JsonNode value = field(name);
            if (value == null) {
                return null;
            }
            try {
                return codec.readRequest(write(value), ContentInfo.class);
            } catch (InvalidInputException e) {
                violations.addAll(reroot(e, "content_info", at(name)).violations());
                return null;
            }
        }

        /**
         * Ends the reading: unknown fields are violations.
         *
         * @throws InvalidInputException with every violation found
         */
        void done() {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!read.contains(name)) {
                    violations.add(new Violation(at(name), "is not a field of this type", null));
                }
            }
            if (!violations.isEmpty()) {
                throw new InvalidInputException(violations);
            }
        }
    }
}
