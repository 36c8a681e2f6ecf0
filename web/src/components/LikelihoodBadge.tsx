import type { Likelihood } from "../api";

/**
 * Bands of the conversion likelihood score, for the map's dot colours and the feed's badges. The score is the percent
 * of similar past visitors who converted (docs/conversion-likelihood.md): 30% and up is a visitor from a group that
 * converts very well on most sites, under 10% an ordinary one.
 */
export function likelihoodBand(l: Likelihood | null): string {
  if (!l) return "";
  if (l.customer) return "likely-customer";
  if (l.score >= 30) return "likely-high";
  if (l.score >= 10) return "likely-medium";
  return "likely-low";
}

const DIMENSION_LABELS: Record<string, string> = {
  device_type: "device",
  os: "OS",
  browser: "browser",
  country: "country",
  referrer: "referrer",
};

/** One line saying what the score is and what it rests on, for tooltips and screen readers. */
export function likelihoodText(l: Likelihood): string {
  if (l.customer) return "Existing customer";
  const basis = l.matchedDimensions.length
    ? `past visitors with the same ${l.matchedDimensions.map((d) => DIMENSION_LABELS[d] ?? d).join(", ")}`
    : "all past visitors of the site";
  return `${l.score}% likely to convert (${l.confidence} confidence: ${l.cohortVisitors} ${basis})`;
}

export function LikelihoodBadge({ likelihood }: { likelihood: Likelihood | null }) {
  if (!likelihood) return null;
  const text = likelihoodText(likelihood);
  return (
    <span class={`likelihood ${likelihoodBand(likelihood)}`} title={text} aria-label={text} data-testid="likelihood">
      {likelihood.customer ? "Customer" : `${likelihood.score}%`}
    </span>
  );
}
