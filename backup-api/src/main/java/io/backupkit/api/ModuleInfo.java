package io.backupkit.api;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A backup module as the specification describes it (type {@code module}).
 *
 * @param shortName the module's id, fully matching {@code [A-Za-z0-9]+}; never null
 * @param group the module group; never null
 * @param desc a description; never null
 * @param groupType the type of data ({@code config}, {@code data}, {@code transaction}, ...); never null
 * @param supportedOptions the option names the module accepts; never null, possibly empty, no repeats
 */
public record ModuleInfo(String shortName, String group, String desc, String groupType, List<String> supportedOptions) {
    /** The spec's pattern for a module short name; it must match the whole name. */
    public static final Pattern SHORT_NAME = Pattern.compile("[A-Za-z0-9]+");

    public ModuleInfo {
        supportedOptions = Checker.copyOrNull(supportedOptions);
        Checker c = new Checker("module");
        c.required("short_name", shortName);
        c.pattern("short_name", shortName, SHORT_NAME);
        c.required("group", group);
        c.required("desc", desc);
        c.required("group_type", groupType);
        c.required("supported_options", supportedOptions);
        c.distinct("supported_options", supportedOptions);
        c.throwIfAny();
    }
}
