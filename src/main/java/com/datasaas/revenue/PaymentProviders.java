package com.datasaas.revenue;

import com.datasaas.app.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** The providers a site can connect, by id. Adding a provider is adding a {@link PaymentProvider} bean. */
@Component
final class PaymentProviders {
    private final Map<String, PaymentProvider> byId = new TreeMap<>();

    PaymentProviders(List<PaymentProvider> providers) {
        providers.forEach(p -> byId.put(p.id(), p));
    }

    Optional<PaymentProvider> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /** The provider, or 400 naming the supported ones. */
    PaymentProvider require(String id) {
        if (id == null || id.isBlank()) {
            throw ApiException.badRequest("Field 'provider' is required. Supported providers: " + supported() + ".");
        }
        return find(id.strip().toLowerCase(java.util.Locale.ROOT))
                .orElseThrow(() -> ApiException.badRequest(
                        "Unknown provider '" + id + "'. Supported providers: " + supported() + "."));
    }

    private String supported() {
        return String.join(", ", byId.keySet());
    }
}
