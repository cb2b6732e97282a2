"""The customer's timeline 时间线 (CUS-14): one stream of everything that happened with a
customer, newest first, filterable by kind, each entry linking to its record.

The stream is merged from *sources*, one per kind of record, each a `Source` registered once:

    from guanxi.timeline.registry import Source, register

    register(
        Source(
            key="demand",                      # the filter chip and the API's `kind`
            label=_("Demand"),                 # what the chip and the entry say
            rows=lambda customer_id: Demand.objects.filter(customer_id=customer_id),
            date_field="raised_on",            # a DateField, or a DateTimeField
            permission="demand.view",          # who may see these rows …
            unit_field="unit",                 # … scoped by this unit (guanxi.access.visible)
            url=lambda d: reverse("demands:detail", args=[d.pk]),
            title=lambda d: d.title,
            detail=lambda d: d.get_status_display(),   # optional, one short line
        )
    )

Do it in the owning app's `AppConfig.ready()` (see guanxi.contactreports.apps), and give the
table an index on (customer, -date_field, -id) so a customer's newest rows are one index range.
`rows` may select_related what `title`, `detail` and the unit field need, never more.

How a page is made (guanxi.timeline.selectors.timeline_page): every source the reader may see
(`permission`) contributes at most one page of its own newest rows after the cursor, through
`visible` with its own unit field, in one indexed query; the pieces are merged and cut to the
page. Order is (day, kind, time, id), newest first, so a cursor of those four is exact across
kinds and ties. The reader's page registers the rows it shows (guanxi.web.reads).
"""
