package com.datasaas.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The one error shape every route answers with: {@code {"error": {"code", "message", "field"?}}}. Built only by
 * {@link ApiErrors}.
 */
@Schema(
        name = "Error",
        description = "Every error answer has this shape; the message is meant for a person and says what to do next.")
public record ApiError(Detail error) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "ErrorDetail")
    public record Detail(
            @Schema(description = "The HTTP status code, repeated.", example = "400")
            int code,

            @Schema(example = "Field 'domain' is required, e.g. \"example.com\".")
            String message,

            @Schema(
                    description =
                            "The request field (snake_case, as sent) or query parameter at fault, when" + " one is.",
                    example = "domain",
                    requiredMode = Schema.RequiredMode.NOT_REQUIRED)
            @Nullable
            String field) {}
}
