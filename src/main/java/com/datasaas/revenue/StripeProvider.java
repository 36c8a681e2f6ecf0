package com.datasaas.revenue;

import com.datasaas.revenue.IncomingPayment.VisitorLink;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.Account;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.Charge;
import com.stripe.model.Customer;
import com.stripe.model.Event;
import com.stripe.model.HasId;
import com.stripe.model.Invoice;
import com.stripe.model.InvoicePayment;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.StripeCollection;
import com.stripe.model.StripeObject;
import com.stripe.model.checkout.Session;
import com.stripe.param.ChargeListParams;
import com.stripe.param.ChargeRetrieveParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.InvoiceRetrieveParams;
import com.stripe.param.PaymentIntentListParams;
import com.stripe.param.RefundListParams;
import com.stripe.param.checkout.SessionListParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Stripe through stripe-java. One payment is one PaymentIntent (or, for legacy charges without one, one Charge): its
 * id is the transaction id whichever object reported it, so a Checkout Session, its PaymentIntent, its Charge and
 * the Invoice it paid all land on the same stored payment. Charges carry the money (amount, refunds, and the
 * balance transaction's settlement amount); sessions, invoices and payment intents carry the metadata, because
 * Checkout does not copy session metadata onto the PaymentIntent or Charge.
 *
 * <p>Lists are paged with {@code starting_after} one page per call, each call retried on 429 and network errors,
 * so a rate limit in the middle of a long history does not restart the sync.
 */
@Component
final class StripeProvider implements PaymentProvider {
    static final String ID = "stripe";
    private static final long PAGE_SIZE = 100;

    private final RevenueSettings settings;
    private final Backoff backoff;

    StripeProvider(RevenueSettings settings) {
        this.settings = settings;
        this.backoff = new Backoff(settings.retryDelay());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Stripe";
    }

    StripeClient client(String apiKey) {
        return StripeClient.builder()
                .setApiKey(apiKey)
                .setApiBase(settings.stripeApiBase())
                .setMaxNetworkRetries(0) // we retry ourselves, per page
                .setConnectTimeout(10_000)
                .setReadTimeout(60_000)
                .build();
    }

    @Override
    public String verify(String apiKey) {
        StripeClient client = client(apiKey);
        Account account = call(apiKey, () -> client.v1().accounts().retrieveCurrent());
        if (account.getSettings() != null
                && account.getSettings().getDashboard() != null
                && account.getSettings().getDashboard().getDisplayName() != null) {
            return account.getSettings().getDashboard().getDisplayName();
        }
        if (account.getBusinessProfile() != null && account.getBusinessProfile().getName() != null) {
            return account.getBusinessProfile().getName();
        }
        return account.getEmail() != null ? account.getEmail() : account.getId();
    }

    /** What sessions, invoices and payment intents tell us about a payment before we see its charge. */
    private static final class Context {
        VisitorLink link = VisitorLink.NONE;
        boolean renewal;

        void add(VisitorLink other) {
            link = link.or(other);
        }
    }

    @Override
    public void fetch(String apiKey, Instant since, SyncSink sink) {
        StripeClient client = client(apiKey);
        long gte = since.getEpochSecond();
        Map<String, Context> byPayment = new HashMap<>();
        Map<String, VisitorLink> byInvoice = new HashMap<>();
        Map<String, VisitorLink> bySubscription = new HashMap<>();

        sink.progress(0.0, "checkout sessions");
        each(
                apiKey,
                after -> client.v1()
                        .checkout()
                        .sessions()
                        .list(SessionListParams.builder()
                                .setLimit(PAGE_SIZE)
                                .setStatus(SessionListParams.Status.COMPLETE)
                                .setCreated(SessionListParams.Created.builder()
                                        .setGte(gte)
                                        .build())
                                .setStartingAfter(after)
                                .build()),
                (Session s) -> {
                    VisitorLink link = VisitorLink.from(s.getMetadata(), s.getClientReferenceId());
                    if (s.getPaymentIntent() != null)
                        byPayment
                                .computeIfAbsent(s.getPaymentIntent(), k -> new Context())
                                .add(link);
                    if (s.getInvoice() != null) byInvoice.merge(s.getInvoice(), link, VisitorLink::or);
                    if (s.getSubscription() != null) bySubscription.merge(s.getSubscription(), link, VisitorLink::or);
                });

        sink.progress(0.2, "invoices");
        each(
                apiKey,
                after -> client.v1()
                        .invoices()
                        .list(InvoiceListParams.builder()
                                .setLimit(PAGE_SIZE)
                                .setStatus(InvoiceListParams.Status.PAID)
                                .setCreated(InvoiceListParams.Created.builder()
                                        .setGte(gte)
                                        .build())
                                .addExpand("data.payments")
                                .setStartingAfter(after)
                                .build()),
                (Invoice invoice) -> {
                    for (InvoiceTarget target : targets(invoice, byInvoice, bySubscription)) {
                        Context context = byPayment.computeIfAbsent(target.paymentKey(), k -> new Context());
                        context.add(target.link());
                        context.renewal |= target.renewal();
                    }
                });

        sink.progress(0.4, "payment intents");
        each(
                apiKey,
                after -> client.v1()
                        .paymentIntents()
                        .list(PaymentIntentListParams.builder()
                                .setLimit(PAGE_SIZE)
                                .setCreated(PaymentIntentListParams.Created.builder()
                                        .setGte(gte)
                                        .build())
                                .setStartingAfter(after)
                                .build()),
                (PaymentIntent pi) -> {
                    if ("succeeded".equals(pi.getStatus())) {
                        byPayment
                                .computeIfAbsent(pi.getId(), k -> new Context())
                                .add(VisitorLink.from(pi.getMetadata(), null));
                    }
                });

        sink.progress(0.6, "charges");
        Set<String> seenCharges = new HashSet<>();
        each(
                apiKey,
                after -> client.v1()
                        .charges()
                        .list(ChargeListParams.builder()
                                .setLimit(PAGE_SIZE)
                                .setCreated(ChargeListParams.Created.builder()
                                        .setGte(gte)
                                        .build())
                                .addExpand("data.balance_transaction")
                                .addExpand("data.customer")
                                .setStartingAfter(after)
                                .build()),
                (Charge charge) -> {
                    seenCharges.add(charge.getId());
                    IncomingPayment payment = fromCharge(charge, byPayment, "sync");
                    if (payment != null) sink.payment(payment);
                });

        sink.progress(0.8, "refunds");
        List<String> refundedElsewhere = new ArrayList<>();
        each(
                apiKey,
                after -> client.v1()
                        .refunds()
                        .list(RefundListParams.builder()
                                .setLimit(PAGE_SIZE)
                                .setCreated(RefundListParams.Created.builder()
                                        .setGte(gte)
                                        .build())
                                .setStartingAfter(after)
                                .build()),
                (Refund refund) -> {
                    if (refund.getCharge() != null && seenCharges.add(refund.getCharge())) {
                        refundedElsewhere.add(refund.getCharge());
                    }
                });
        // Refunds of charges older than this sync: the charge holds the authoritative refunded total.
        for (String chargeId : refundedElsewhere) {
            Charge charge = call(
                    apiKey,
                    () -> client.v1()
                            .charges()
                            .retrieve(
                                    chargeId,
                                    ChargeRetrieveParams.builder()
                                            .addExpand("balance_transaction")
                                            .addExpand("customer")
                                            .build()));
            IncomingPayment payment = fromCharge(charge, byPayment, "sync");
            if (payment != null) sink.payment(payment);
        }
        sink.progress(1.0, "done");
    }

    private record InvoiceTarget(String paymentKey, VisitorLink link, boolean renewal, long amountPaid) {}

    private static List<InvoiceTarget> targets(
            Invoice invoice, Map<String, VisitorLink> byInvoice, Map<String, VisitorLink> bySubscription) {
        VisitorLink link = VisitorLink.from(invoice.getMetadata(), null);
        String subscription = null;
        if (invoice.getParent() != null && invoice.getParent().getSubscriptionDetails() != null) {
            var details = invoice.getParent().getSubscriptionDetails();
            link = link.or(VisitorLink.from(details.getMetadata(), null));
            subscription = details.getSubscription();
        }
        link = link.or(byInvoice.get(invoice.getId()));
        if (subscription != null) link = link.or(bySubscription.get(subscription));
        boolean renewal = "subscription_cycle".equals(invoice.getBillingReason());
        List<InvoiceTarget> out = new ArrayList<>();
        if (invoice.getPayments() == null || invoice.getPayments().getData() == null) return out;
        for (InvoicePayment payment : invoice.getPayments().getData()) {
            if (payment.getPayment() == null || !"paid".equals(payment.getStatus())) continue;
            String key = payment.getPayment().getPaymentIntent() != null
                    ? payment.getPayment().getPaymentIntent()
                    : payment.getPayment().getCharge();
            if (key != null) {
                long paid = payment.getAmountPaid() == null ? 0 : payment.getAmountPaid();
                out.add(new InvoiceTarget(key, link, renewal, paid));
            }
        }
        return out;
    }

    private static IncomingPayment fromCharge(Charge charge, Map<String, Context> byPayment, String deliveredBy) {
        if (!"succeeded".equals(charge.getStatus())) return null;
        String transactionId = charge.getPaymentIntent() != null ? charge.getPaymentIntent() : charge.getId();
        Context context = byPayment.getOrDefault(transactionId, byPayment.get(charge.getId()));
        VisitorLink link = context == null ? VisitorLink.NONE : context.link;
        link = link.or(VisitorLink.from(charge.getMetadata(), null));
        Customer customer = charge.getCustomerObject();
        if (customer != null) link = link.or(VisitorLink.from(customer.getMetadata(), null));
        Long settlement = null;
        String settlementCurrency = null;
        BalanceTransaction bt = charge.getBalanceTransactionObject();
        if (bt != null && bt.getCurrency() != null && !bt.getCurrency().equalsIgnoreCase(charge.getCurrency())) {
            settlement = bt.getAmount();
            settlementCurrency = bt.getCurrency();
        }
        return new IncomingPayment(
                ID,
                transactionId,
                charge.getAmount(),
                charge.getCurrency(),
                charge.getAmountRefunded() == null ? 0 : charge.getAmountRefunded(),
                settlement,
                settlementCurrency,
                Instant.ofEpochSecond(charge.getCreated()),
                context != null && context.renewal,
                charge.getCustomer(),
                null,
                link.visitorId(),
                link.sessionId(),
                link.link(),
                deliveredBy);
    }

    /**
     * Payments in a verified webhook event. {@code apiKey} (null when the site has no key stored) lets us look up
     * what the event lacks: an invoice's payments, a charge's balance transaction.
     */
    List<IncomingPayment> fromEvent(Event event, String apiKey) {
        StripeObject object = event.getDataObjectDeserializer().getObject().orElseGet(() -> {
            try {
                return event.getDataObjectDeserializer().deserializeUnsafe();
            } catch (Exception e) {
                return null;
            }
        });
        if (object == null) return List.of();
        Instant at =
                Instant.ofEpochSecond(event.getCreated() == null ? Instant.now().getEpochSecond() : event.getCreated());
        StripeClient client = apiKey == null ? null : client(apiKey);
        switch (event.getType()) {
            case "checkout.session.completed", "checkout.session.async_payment_succeeded" -> {
                Session s = (Session) object;
                if (!"paid".equals(s.getPaymentStatus())) return List.of();
                VisitorLink link = VisitorLink.from(s.getMetadata(), s.getClientReferenceId());
                if (s.getPaymentIntent() != null && s.getAmountTotal() != null) {
                    return List.of(new IncomingPayment(
                            ID,
                            s.getPaymentIntent(),
                            s.getAmountTotal(),
                            s.getCurrency(),
                            0,
                            null,
                            null,
                            at,
                            false,
                            s.getCustomer(),
                            null,
                            link.visitorId(),
                            link.sessionId(),
                            link.link(),
                            "webhook"));
                }
                if (s.getInvoice() != null && client != null) {
                    Invoice invoice = call(
                            apiKey,
                            () -> client.v1()
                                    .invoices()
                                    .retrieve(
                                            s.getInvoice(),
                                            InvoiceRetrieveParams.builder()
                                                    .addExpand("payments")
                                                    .build()));
                    String customer = s.getCustomer() != null ? s.getCustomer() : invoice.getCustomer();
                    return fromInvoice(invoice, Map.of(invoice.getId(), link), Map.of(), customer, at);
                }
                return List.of();
            }
            case "payment_intent.succeeded" -> {
                PaymentIntent pi = (PaymentIntent) object;
                VisitorLink link = VisitorLink.from(pi.getMetadata(), null);
                long amount = pi.getAmountReceived() != null ? pi.getAmountReceived() : pi.getAmount();
                return List.of(new IncomingPayment(
                        ID,
                        pi.getId(),
                        amount,
                        pi.getCurrency(),
                        0,
                        null,
                        null,
                        at,
                        false,
                        pi.getCustomer(),
                        null,
                        link.visitorId(),
                        link.sessionId(),
                        link.link(),
                        "webhook"));
            }
            case "charge.succeeded", "charge.refunded", "charge.updated", "charge.captured" -> {
                Charge charge = (Charge) object;
                if (client != null && charge.getBalanceTransaction() != null) {
                    charge = call(
                            apiKey,
                            () -> client.v1()
                                    .charges()
                                    .retrieve(
                                            ((Charge) object).getId(),
                                            ChargeRetrieveParams.builder()
                                                    .addExpand("balance_transaction")
                                                    .build()));
                }
                IncomingPayment payment = fromCharge(charge, Map.of(), "webhook");
                return payment == null ? List.of() : List.of(payment);
            }
            case "invoice.paid", "invoice.payment_succeeded" -> {
                Invoice invoice = (Invoice) object;
                if (invoice.getPayments() == null && client != null) {
                    invoice = call(
                            apiKey,
                            () -> client.v1()
                                    .invoices()
                                    .retrieve(
                                            ((Invoice) object).getId(),
                                            InvoiceRetrieveParams.builder()
                                                    .addExpand("payments")
                                                    .build()));
                }
                return fromInvoice(invoice, Map.of(), Map.of(), invoice.getCustomer(), at);
            }
            default -> {
                return List.of();
            }
        }
    }

    private static List<IncomingPayment> fromInvoice(
            Invoice invoice,
            Map<String, VisitorLink> byInvoice,
            Map<String, VisitorLink> bySubscription,
            String customer,
            Instant at) {
        List<IncomingPayment> out = new ArrayList<>();
        for (InvoiceTarget t : targets(invoice, byInvoice, bySubscription)) {
            out.add(new IncomingPayment(
                    ID,
                    t.paymentKey(),
                    t.amountPaid(),
                    invoice.getCurrency(),
                    0,
                    null,
                    null,
                    at,
                    t.renewal(),
                    customer,
                    null,
                    t.link().visitorId(),
                    t.link().sessionId(),
                    t.link().link(),
                    "webhook"));
        }
        return out;
    }

    interface Page<T extends HasId> {
        StripeCollection<T> fetch(String startingAfter) throws StripeException;
    }

    interface StripeCall<T> {
        T run() throws StripeException;
    }

    /** Every item of a list, page by page, each page retried on its own. */
    private <T extends HasId> void each(String apiKey, Page<T> page, Consumer<T> item) {
        String after = null;
        while (true) {
            String cursor = after;
            StripeCollection<T> collection = call(apiKey, () -> page.fetch(cursor));
            List<T> data = collection.getData();
            for (T t : data) item.accept(t);
            if (!Boolean.TRUE.equals(collection.getHasMore()) || data.isEmpty()) return;
            after = data.get(data.size() - 1).getId();
        }
    }

    private <T> T call(String apiKey, StripeCall<T> call) {
        try {
            return backoff.run(call::run, StripeProvider::retryable);
        } catch (PermissionException e) {
            throw new ProviderException(
                    "The Stripe key lacks a permission DataSaaS needs (read access to charges, payment intents,"
                            + " checkout sessions, invoices, refunds and the account): "
                            + reason(e, apiKey),
                    true);
        } catch (AuthenticationException e) {
            throw new ProviderException("Stripe rejected the API key: " + reason(e, apiKey), true);
        } catch (RateLimitException e) {
            throw new ProviderException("Stripe kept answering 'too many requests'; the next sync will resume.", false);
        } catch (ApiConnectionException e) {
            throw new ProviderException(
                    "Could not reach Stripe at " + settings.stripeApiBase() + ": " + reason(e, apiKey), false);
        } catch (StripeException e) {
            Integer status = e.getStatusCode();
            boolean clientError = status != null && status >= 400 && status < 500;
            throw new ProviderException("Stripe answered an error: " + reason(e, apiKey), clientError);
        }
    }

    private static boolean retryable(Exception e) {
        if (e instanceof RateLimitException || e instanceof ApiConnectionException) return true;
        return e instanceof StripeException se && se.getStatusCode() != null && se.getStatusCode() >= 500;
    }

    /** Stripe's own message (it masks keys itself); any trace of the key is masked again to be sure. */
    private static String reason(StripeException e, String apiKey) {
        String message = e.getStripeError() != null && e.getStripeError().getMessage() != null
                ? e.getStripeError().getMessage()
                : e.getMessage();
        if (message == null) message = e.getClass().getSimpleName();
        return mask(message, apiKey);
    }

    static String mask(String message, String apiKey) {
        if (apiKey == null || apiKey.isEmpty()) return message;
        return message.replace(apiKey, "****");
    }
}
