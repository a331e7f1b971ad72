package io.backupkit.api;

import java.util.Map;
import java.util.Set;

/**
 * One option of a module in a {@link ModuleSelection} ({@code module_list[].options[]}).
 *
 * @param name the option name, checked against the module's {@code supported_options} by the engine;
 *     null when absent (the spec makes it optional; the engine refuses an option without a name)
 * @param value the option value; null when absent
 * @param properties extension properties ({@code <prop>: any}); never null, possibly empty
 */
public record ModuleOption(String name, String value, Map<String, Object> properties) {
    static final Set<String> DECLARED = Set.of("name", "value");

    public ModuleOption {
        properties = Json.copyProperties(properties);
        Checker c = new Checker("option");
        c.extensions("", properties, DECLARED);
        c.throwIfAny();
    }

    /** An option with a name and a value and no extension properties. */
    public static ModuleOption of(String name, String value) {
        return new ModuleOption(name, value, Map.of());
    }
}
