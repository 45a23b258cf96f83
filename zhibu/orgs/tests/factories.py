import factory

from zhibu.orgs import services
from zhibu.orgs.models import Organisation


def make_org(
    code: str, kind: str, parent: Organisation | None = None, name: str | None = None, **extra: object
) -> Organisation:
    """Create an organisation through the service, so path and depth are what production makes."""
    return services.organisation_create(
        actor=None,
        code=code,
        name=name or f"{dict(Organisation.Kind.choices)[kind]}{code}",
        kind=kind,
        parent=parent,
        **extra,
    )


class OrganisationFactory(factory.django.DjangoModelFactory):
    """For bulk data in tests that do not care about the service; paths are set after creation."""

    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试党支部{n}")
    kind = Organisation.Kind.BRANCH
    path = "/"

    @factory.post_generation
    def set_path(obj: Organisation, create: bool, extracted: object, **kwargs: object) -> None:
        obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        obj.depth = obj.path.count("/") - 2
        obj.save(update_fields=["path", "depth"])
