"""Owns the organisation tree (单位)."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from .. import clock
from ..db import BaseModel
from ..permissions import sees_everything

# kind -> label. Offices (股室) belong to the bureau and run the work; they are not assessed.
UNIT_KINDS = {
    "bureau": "局机关",
    "office": "股室",
    "company": "公司",
    "trade_office": "行办",
    "centre": "中心",
    "grassroots": "基层单位",
}

LEVEL_LABELS = {1: "局机关", 2: "二级机构", 3: "基层单位"}


class Unit(BaseModel):
    """单位: a node of the tree bureau → second-level bodies → grassroots units."""

    name = CharField(max_length=100)
    code = CharField(max_length=32, unique=True)
    kind = CharField(max_length=16)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    level = IntegerField(default=1)
    # Materialised ancestry "/1/4/17/": a subtree is every unit whose path starts with this one's.
    path = CharField(max_length=255, default="", index=True)
    head_name = CharField(max_length=50, default="")  # 第一责任人 (一把手)
    phone = CharField(max_length=32, default="")
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)
    created_at = DateTimeField(default=clock.now)

    unit_field = "id"

    class Meta:
        table_name = "unit"

    def __str__(self):
        return self.name

    @property
    def kind_label(self):
        return UNIT_KINDS.get(self.kind, self.kind)

    @property
    def level_label(self):
        if self.kind == "office":
            return "局内股室"
        return LEVEL_LABELS.get(self.level, f"第{self.level}级")

    @property
    def is_body(self):
        """A second-level body or grassroots unit: the units that sign agreements and are assessed."""
        return self.kind not in ("bureau", "office")

    @classmethod
    def scope_of(cls, user):
        """A subquery of the unit ids the user may see, or None when the user sees all units."""
        if user is None or not getattr(user, "is_authenticated", False):
            return cls.select(cls.id).where(False)
        if sees_everything(user):
            return None
        return cls.select(cls.id).where(cls.path.startswith(user.unit.path))

    @classmethod
    def visible_to(cls, user, *fields):
        query = cls.select(*fields)
        scope = cls.scope_of(user)
        if scope is not None:
            query = query.where(cls.id.in_(scope))
        return query

    @classmethod
    def bodies(cls):
        """Expression selecting second-level bodies and grassroots units (not the bureau or its offices)."""
        return cls.kind.not_in(("bureau", "office"))

    def subtree(self):
        """This unit and every unit below it."""
        return Unit.select().where(Unit.path.startswith(self.path))

    def contains(self, other):
        """True when other is this unit or lies below it."""
        return other.path.startswith(self.path)

    def ancestors(self):
        ids = [int(p) for p in self.path.strip("/").split("/") if p][:-1]
        by_id = {u.id: u for u in Unit.select().where(Unit.id.in_(ids))} if ids else {}
        return [by_id[i] for i in ids if i in by_id]

    def full_name(self):
        """Ancestry joined for menus, e.g. "县商务局 / 商业行办 / 315商店"."""
        return " / ".join([a.name for a in self.ancestors()] + [self.name])
