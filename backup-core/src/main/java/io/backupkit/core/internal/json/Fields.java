package io.backupkit.core.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.backupkit.api.IntRange;
import io.backupkit.api.WireValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * A strict view of one JSON object: each typed getter reads a field, checks its JSON type and records
 * a violation under the field's path when it is wrong. Missing fields and JSON {@code null} both read
 * as absent. Fields not read are unknown ({@link #rejectUnknown()}) or extension properties
 * ({@link #extensions()}).
 */
final class Fields {
    private final JsonNode node;
    private final String path;
    private final Problems problems;
    private final Set<String> consumed = new HashSet<>();

    private Fields(JsonNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /** The fields of {@code node}, or null (with a violation) when it is not an object. */
    static Fields of(JsonNode node, String path, Problems problems) {
        if (!node.isObject()) {
            problems.addRendered(path, "must be an object", describe(node));
            return null;
        }
        return new Fields(node, path, problems);
    }

    String path() {
        return path;
    }

    Problems problems() {
        return problems;
    }

    String at(String name) {
        return path + "." + name;
    }

    /** The raw value of a field, or null when missing or JSON null. Marks it read. */
    JsonNode raw(String name) {
        consumed.add(name);
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** Marks fields as read without reading them (read-only fields in a request). */
    void ignore(String... names) {
        consumed.addAll(Arrays.asList(names));
    }

    void missing(String name) {
        problems.add(at(name), "is required", null);
    }

    String string(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            problems.addRendered(at(name), "must be a string", describe(value));
            return null;
        }
        return value.textValue();
    }

    String requiredString(String name) {
        String value = string(name);
        if (value == null && raw(name) == null) {
            missing(name);
        }
        return value;
    }

    Boolean bool(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            problems.addRendered(at(name), "must be true or false", describe(value));
            return null;
        }
        return value.booleanValue();
    }

    boolean requiredBool(String name) {
        Boolean value = bool(name);
        if (value == null && raw(name) == null) {
            missing(name);
        }
        return value != null && value;
    }

    /** An exact integer in {@code range}; a float, a string or an out-of-range value is a violation. */
    Long integer(String name, IntRange range) {
        JsonNode value = raw(name);
        return value == null ? null : integer(value, at(name), range, problems);
    }

    static Long integer(JsonNode value, String path, IntRange range, Problems problems) {
        if (!value.isIntegralNumber()) {
            problems.addRendered(path, "must be an integer " + range.rule().substring("must be ".length()),
                    describe(value));
            return null;
        }
        BigInteger exact = value.bigIntegerValue();
        if (exact.bitLength() > 63 || !range.contains(exact.longValue())) {
            problems.addRendered(path, range.rule(), exact.toString());
            return null;
        }
        return exact.longValue();
    }

    long requiredLong(String name, IntRange range) {
        Long value = integer(name, range);
        if (value == null && raw(name) == null) {
            missing(name);
        }
        return value == null ? 0 : value;
    }

    Integer int32(String name, IntRange range) {
        Long value = integer(name, range);
        return value == null ? null : Math.toIntExact(value);
    }

    int requiredInt(String name, IntRange range) {
        return Math.toIntExact(requiredLong(name, range));
    }

    /** A decimal number (integer or with a fraction), exactly. */
    BigDecimal decimal(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            problems.addRendered(at(name), "must be a number", describe(value));
            return null;
        }
        return value.decimalValue();
    }

    <E extends Enum<E> & WireValue> E enumValue(String name, Class<E> type) {
        JsonNode value = raw(name);
        return value == null ? null : enumValue(value, at(name), type, problems);
    }

    static <E extends Enum<E> & WireValue> E enumValue(JsonNode value, String path, Class<E> type,
            Problems problems) {
        E found = value.isTextual() ? WireValue.fromWire(type, value.textValue()).orElse(null) : null;
        if (found == null) {
            String allowed = Arrays.stream(type.getEnumConstants()).map(WireValue::wire)
                    .collect(Collectors.joining(", "));
            problems.addRendered(path, "must be one of " + allowed, describe(value));
        }
        return found;
    }

    <E extends Enum<E> & WireValue> E requiredEnum(String name, Class<E> type) {
        E value = enumValue(name, type);
        if (value == null && raw(name) == null) {
            missing(name);
        }
        return value;
    }

    /**
     * A list whose elements {@code element} reads (given the element and its path). Returns null when
     * absent, or when an element fails (its violations are recorded).
     */
    <T> List<T> list(String name, BiFunction<JsonNode, String, T> element) {
        JsonNode value = raw(name);
        return value == null ? null : list(value, at(name), element, problems);
    }

    static <T> List<T> list(JsonNode value, String path, BiFunction<JsonNode, String, T> element,
            Problems problems) {
        if (!value.isArray()) {
            problems.addRendered(path, "must be an array", describe(value));
            return null;
        }
        List<T> result = new ArrayList<>(value.size());
        boolean failed = false;
        for (int i = 0; i < value.size(); i++) {
            String elementPath = path + "[" + i + "]";
            JsonNode item = value.get(i);
            T read = null;
            if (item.isNull()) {
                problems.add(elementPath, "must not be null", null);
            } else {
                read = element.apply(item, elementPath);
            }
            failed |= read == null;
            result.add(read);
        }
        // a list with a failed element is not built: its indexes would shift under later checks
        return failed ? null : result;
    }

    <T> List<T> requiredList(String name, BiFunction<JsonNode, String, T> element) {
        List<T> value = list(name, element);
        if (value == null && raw(name) == null) {
            missing(name);
        }
        return value;
    }

    /** A nested object read by {@code reader}; null when absent or invalid. */
    <T> T object(String name, BiFunction<JsonNode, String, T> reader) {
        JsonNode value = raw(name);
        return value == null ? null : reader.apply(value, at(name));
    }

    <T> T requiredObject(String name, BiFunction<JsonNode, String, T> reader) {
        JsonNode value = raw(name);
        if (value == null) {
            missing(name);
            return null;
        }
        return reader.apply(value, at(name));
    }

    /** Records a violation for every field not read: for types whose spec allows no other field. */
    void rejectUnknown() {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            if (!consumed.contains(name)) {
                problems.add(at(name), "is not a field of this type", null);
            }
        }
    }

    /** The fields not read, as extension properties ({@code <prop>: any}), in document order. */
    Map<String, Object> extensions() {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!consumed.contains(field.getKey()) && !field.getValue().isNull()) {
                Object value = plain(field.getValue(), at(field.getKey()));
                if (value != null) {
                    result.put(field.getKey(), value);
                }
            }
        }
        return result;
    }

    private Object plain(JsonNode value, String at) {
        switch (value.getNodeType()) {
            case STRING:
                return value.textValue();
            case BOOLEAN:
                return value.booleanValue();
            case NUMBER:
                if (value.isIntegralNumber()) {
                    BigInteger exact = value.bigIntegerValue();
                    return exact.bitLength() <= 63 ? (Object) exact.longValue() : exact;
                }
                return value.decimalValue();
            case ARRAY: {
                List<Object> list = new ArrayList<>(value.size());
                for (int i = 0; i < value.size(); i++) {
                    if (value.get(i).isNull()) {
                        problems.add(at + "[" + i + "]", "must not be null in an extension property", null);
                        return null;
                    }
                    list.add(plain(value.get(i), at + "[" + i + "]"));
                }
                return Collections.unmodifiableList(list);
            }
            case OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> field : value.properties()) {
                    if (!field.getValue().isNull()) {
                        map.put(field.getKey(), plain(field.getValue(), at + "." + field.getKey()));
                    }
                }
                return Collections.unmodifiableMap(map);
            }
            default:
                problems.addRendered(at, "must be a JSON value", describe(value));
                return null;
        }
    }

    /** A short rendering of a node for an error message. */
    static String describe(JsonNode value) {
        JsonNodeType type = value.getNodeType();
        switch (type) {
            case OBJECT:
                return "an object";
            case ARRAY:
                return "an array";
            case STRING: {
                String text = value.toString();
                return text.length() > 202 ? text.substring(0, 200) + "...\"" : text;
            }
            case NUMBER: {
                if (value.isIntegralNumber()) {
                    return value.toString();
                }
                // 2.2e1 reads as 22 with scale 0: show it as the non-integer it was sent as
                BigDecimal decimal = value.decimalValue();
                return decimal.scale() <= 0 ? decimal.toBigInteger() + ".0" : decimal.toPlainString();
            }
            default:
                return value.toString();
        }
    }
}
