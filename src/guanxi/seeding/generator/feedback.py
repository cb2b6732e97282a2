"""Generators for the activity forms 服务回访记录表 / 客户关怀记录表 / 研讨会意见反馈表 (ACT-1..3)
and their rating rows (ACT-6), registered after the activities: every `EVERY`-th activity of
the run gets its form (a million at `large`), visits and care records rated, seminars not.

Forms and rating rows are filled by INSERT … SELECT from the activities, in SQL on either
database: the form takes its activity's unit, customer, day, place and recorder, and its
ratings come from the activity id by arithmetic (`_rating_sql`), so the rating rows repeat
the forms' JSON without reading a row back. Most ratings are 优 or 中, some 差; a unit's
forms lean a little better or worse than the next unit's, so the units side by side differ.
The monthly rollup of the ratings (`MonthlyRating`) is grouped from the rating rows last, in
one statement.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.db import connection

from guanxi.activities.models import Activity, ActivityStatus
from guanxi.feedback.models import FormKind, FormRecord
from guanxi.plans.models import Kind as PlanKind
from guanxi.satisfaction.models import OVERALL, FormRating, MonthlyRating
from guanxi.seeding.generator.bulk import _without_secondary_indexes
from guanxi.seeding.generator.common import Context, generator
from guanxi.seeding.generator.profiles import Profile

EVERY = 10  # one activity in ten has its form filled in
RATED = (FormKind.VISIT.value, FormKind.CARE.value)
_SALTS = (7, 11, 13, 17, 19, 23, 29)  # one per rated dimension, the overall first


def planned(profile: Profile, dimensions: int) -> dict[str, int]:
    """Forms and rating rows a profile gets (activities take the plan kinds in turn)."""
    kinds = PlanKind.values
    chosen = range(0, profile.activities, EVERY)
    rated = sum(1 for n in chosen if kinds[n % len(kinds)] in RATED)
    return {"forms": len(chosen), "form_ratings": rated * (dimensions + 1)}


def _rating_sql(keys: list[str], salt: int) -> str:
    """A rating from the activity id `a.id` and unit: 差 one time in ten or so, 中 three in ten,
    the rest 优 (keys worst first, from the policy)."""
    poor, fair, good = keys[0], keys[len(keys) // 2], keys[-1]
    mix = f"((a.id * {salt} + a.unit_id * 3) % 20)"
    return f"CASE WHEN {mix} < 2 THEN '{poor}' WHEN {mix} < 8 THEN '{fair}' ELSE '{good}' END"


def _month_sql() -> str:
    if connection.vendor == "postgresql":
        return "(EXTRACT(YEAR FROM a.date)::int * 100 + EXTRACT(MONTH FROM a.date)::int)"
    return (
        "(CAST(strftime('%Y', a.date) AS INTEGER) * 100 + CAST(strftime('%m', a.date) AS INTEGER))"
    )


def _chosen(ctx: Context) -> str:
    """The activities of this run that get a form: carried out, one in `EVERY`."""
    base = int(ctx.ids["activity_base"])
    done = (ActivityStatus.CARRIED_OUT.value, ActivityStatus.WRITTEN_OFF.value)
    return f"a.id > {base} AND (a.id - {base} - 1) % {EVERY} = 0 AND a.status IN {done!r}"


@generator("forms")
def forms(ctx: Context) -> int:
    """One form per chosen activity, of its kind; visits and care records rated."""
    keys = [o.key for o in ctx.policy.feedback.ratings]
    dims = [o.key for o in ctx.policy.feedback.dimensions]
    rated = " OR ".join(f"a.kind = '{k}'" for k in RATED)
    pieces = " || ', ' || ".join(
        f"""'"{key}": "' || {_rating_sql(keys, salt)} || '"'"""
        for key, salt in zip(dims, _SALTS[1:], strict=False)
    )
    ratings = f"CASE WHEN {rated} THEN '{{' || {pieces} || '}}' ELSE '{{}}' END"
    overall = f"CASE WHEN {rated} THEN {_rating_sql(keys, _SALTS[0])} ELSE '' END"
    as_json = "::jsonb" if connection.vendor == "postgresql" else ""
    table = FormRecord._meta.db_table
    sql = (
        f"INSERT INTO {table} (kind, activity_id, unit_id, customer_id, date, place, "  # noqa: S608 - names from model metadata, values from the policy
        "visited_name, visited_position, phone, mobile, summary, purpose, organiser, "
        "customer_count, customer_list, satisfaction, ratings, remarks, requests, opinions, "
        "visitor_opinion, manager_opinion, created_by_id, created_at, updated_at, version) "
        f"SELECT a.kind, a.id, a.unit_id, a.customer_id, a.date, a.place, '', '', '', '', "
        f"a.result, '', '', 0, '', {overall}, ({ratings}){as_json}, '{{}}'{as_json}, '', "
        f"'[]'{as_json}, '', '', a.created_by_id, a.created_at, a.created_at, 1 "
        f"FROM {Activity._meta.db_table} a WHERE {_chosen(ctx)} ORDER BY a.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.rowcount)


@generator("form_ratings")
def form_ratings(ctx: Context) -> int:
    """The rating rows of the rated forms: the overall satisfaction and each dimension, the
    same values as the forms' JSON (the same arithmetic on the activity id)."""
    keys = [o.key for o in ctx.policy.feedback.ratings]
    dims = [OVERALL, *(o.key for o in ctx.policy.feedback.dimensions)]
    kinds = ", ".join(f"'{k}'" for k in RATED)
    table = FormRating._meta.db_table
    ctx.ids["form_rating_base"] = ctx.base(FormRating)
    written = 0
    postgres = connection.vendor == "postgresql"
    with (
        _without_secondary_indexes(table) if postgres else nullcontext(),
        connection.cursor() as cursor,
    ):
        for dimension, salt in zip(dims, _SALTS, strict=False):
            cursor.execute(
                f"INSERT INTO {table} (record_id, unit_id, customer_id, kind, date, month, "  # noqa: S608 - names from model metadata, values from the policy
                "dimension, rating) "
                f"SELECT f.id, a.unit_id, a.customer_id, a.kind, a.date, {_month_sql()}, "
                f"'{dimension}', {_rating_sql(keys, salt)} "
                f"FROM {FormRecord._meta.db_table} f "
                f"JOIN {Activity._meta.db_table} a ON a.id = f.activity_id "
                f"WHERE {_chosen(ctx)} AND a.kind IN ({kinds})"
            )
            written += int(cursor.rowcount)
    return written


@generator("monthly_ratings")
def monthly_ratings(ctx: Context) -> int:
    """The monthly rollup of this run's rating rows, in one grouped INSERT … SELECT, added to
    any counts already there (the upsert the feedback services use)."""
    columns = "unit_id, month, kind, dimension, rating"
    table = MonthlyRating._meta.db_table
    base = int(ctx.ids.get("form_rating_base", 0))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}, count) "  # noqa: S608 - names from model metadata
            f"SELECT {columns}, COUNT(*) FROM {FormRating._meta.db_table} WHERE id > {base} "
            f"GROUP BY {columns} "
            f"ON CONFLICT ({columns}) DO UPDATE SET count = {table}.count + excluded.count"
        )
        return int(cursor.rowcount)
