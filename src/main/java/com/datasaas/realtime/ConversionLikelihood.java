package com.datasaas.realtime;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.List;

/**
 * How likely a live visitor is to convert, judged by what past visitors like them did (method and numbers:
 * docs/conversion-likelihood.md). Computed by {@link Cohorts}.
 */
@Schema(
        description = "How likely this visitor is to convert, from past visitors with the same device, OS, browser,"
                + " country and referrer (docs/conversion-likelihood.md).")
record ConversionLikelihood(
        @Schema(
                description = "Percent of the matched past visitors who converted (a goal or a payment), rounded;"
                        + " 100 for an existing customer.",
                minimum = "0",
                maximum = "100")
        int score,

        @Schema(
                description = "How far the score can be trusted, from the number of past visitors it rests on:"
                        + " high from 1,000, medium from 100, low below (and never above medium for the site"
                        + " baseline).",
                allowableValues = {"low", "medium", "high"})
        String confidence,

        @ArraySchema(
                arraySchema =
                        @Schema(
                                description = "The dimensions shared with the past visitors the score rests on;"
                                        + " empty for the site baseline and for customers."),
                schema = @Schema(allowableValues = {"device_type", "os", "browser", "country", "referrer"}))
        List<String> matchedDimensions,

        @Schema(description = "How many past visitors the score rests on (0 for a customer).")
        long cohortVisitors,

        @Schema(description = "Revenue per past visitor of that cohort, in the site's currency.")
        BigDecimal revenuePerVisitor,

        @Schema(description = "The visitor has paid before (by visitor id): the score is 100.")
        boolean customer) {

    static final String LOW = "low";
    static final String MEDIUM = "medium";
    static final String HIGH = "high";

    ConversionLikelihood {
        matchedDimensions = List.copyOf(matchedDimensions);
    }
}
