package io.backupkit.api;

import java.util.Map;
import java.util.Set;

/**
 * Information about a factory reset (type {@code factory_reset_status}); its {@code operation_type}
 * is always {@code reset-factory}.
 *
 * @param properties extension properties; never null, possibly empty
 */
public record FactoryResetStatus(Map<String, Object> properties) implements OperationStatus {
    static final Set<String> DECLARED = Set.of("operation_type", "start_time", "status", "status_message");

    public FactoryResetStatus {
        properties = Json.copyProperties(properties);
        Checker c = new Checker("factory_reset_status");
        c.extensions("", properties, DECLARED);
        c.throwIfAny();
    }

    @Override
    public OperationType operationType() {
        return OperationType.RESET_FACTORY;
    }
}
