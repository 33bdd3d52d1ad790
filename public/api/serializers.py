"""The public API's answers (docs/public-site.md, §API): serializers over a release's content dicts.
They name every key an answer may carry, so that nothing a release does not list as public (and nothing
added to its content later without a decision here) is ever served. Person counts are as published:
rounded, or null with ``<name>_suppressed`` giving the reason code."""

from rest_framework import serializers

from .. import disclosure

REASONS = [disclosure.THRESHOLD, disclosure.SECONDARY, disclosure.DERIVED]
#: The reason codes as choices (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]: SuppressionReasonEnum).
REASON_CHOICES = [(code, code) for code in REASONS]


def _reason() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=REASON_CHOICES, allow_null=True, help_text="why the value is null (suppressed)"
    )


class PublicNames(serializers.Serializer):
    kk = serializers.CharField()
    ru = serializers.CharField()
    en = serializers.CharField()


class PublicReleaseRef(serializers.Serializer):
    """Which release an answer comes from."""

    number = serializers.IntegerField()
    as_of = serializers.DateField(help_text="the date of the figures")
    published_at = serializers.DateTimeField()
    demo = serializers.BooleanField(help_text="generated demo data, not official figures")
    url = serializers.URLField()


class PublicCompliance(serializers.Serializer):
    profile = serializers.CharField(help_text="a verified standard profile's code")
    persons_compliant = serializers.IntegerField(allow_null=True)
    persons_compliant_suppressed = _reason()
    share_percent = serializers.FloatField(allow_null=True)
    share_percent_suppressed = _reason()


class PublicProjects(serializers.Serializer):
    planned = serializers.IntegerField()
    design = serializers.IntegerField()
    procurement = serializers.IntegerField()
    construction = serializers.IntegerField()
    commissioning = serializers.IntegerField()
    completed = serializers.IntegerField()
    suspended = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class PublicArea(serializers.Serializer):
    """The figures of the nation, a region or a facility (public.content; definitions in public.labels)."""

    code = serializers.CharField()
    institutions = serializers.IntegerField()
    places_certified = serializers.IntegerField()
    places_operational = serializers.IntegerField()
    persons_held = serializers.IntegerField(allow_null=True, help_text="rounded; null when suppressed")
    persons_held_suppressed = _reason()
    occupancy_percent = serializers.FloatField(allow_null=True, help_text="persons held / operational places, %")
    occupancy_percent_suppressed = _reason()
    density_per_100_places = serializers.FloatField(
        allow_null=True, help_text="persons held per 100 certified places (Council of Europe SPACE I)"
    )
    density_per_100_places_suppressed = _reason()
    persons_in_single_cells = serializers.IntegerField(allow_null=True)
    persons_in_single_cells_suppressed = _reason()
    share_in_single_cells_percent = serializers.FloatField(allow_null=True)
    share_in_single_cells_percent_suppressed = _reason()
    compliance = PublicCompliance(many=True)
    persons_counted_by_home = serializers.IntegerField(allow_null=True)
    persons_counted_by_home_suppressed = _reason()
    persons_near_home = serializers.IntegerField(allow_null=True)
    persons_near_home_suppressed = _reason()
    share_near_home_percent = serializers.FloatField(allow_null=True)
    share_near_home_percent_suppressed = _reason()
    projects = PublicProjects()
    projects_active = serializers.IntegerField()
    projects_mean_progress_percent = serializers.FloatField(allow_null=True)
    recommendations_total = serializers.IntegerField()
    recommendations_open = serializers.IntegerField()
    recommendations_overdue = serializers.IntegerField()
    recommendations_implemented = serializers.IntegerField()


class PublicRegion(PublicArea):
    name = PublicNames()
    url = serializers.URLField()


class PublicFacility(PublicArea):
    name = PublicNames()
    region = serializers.CharField(help_text="the region's ISO 3166-2 code")
    kind = serializers.CharField()
    security_level = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    url = serializers.URLField()


class PublicProfile(serializers.Serializer):
    code = serializers.CharField()
    title = PublicNames()
    reference = PublicNames()
    verified = serializers.BooleanField()


class PublicDisclosure(serializers.Serializer):
    threshold = serializers.IntegerField()
    rounding_base = serializers.IntegerField()
    zeros_disclosive = serializers.BooleanField()


class PublicNationAnswer(serializers.Serializer):
    release = PublicReleaseRef()
    disclosure = PublicDisclosure()
    profiles = PublicProfile(many=True)
    nation = PublicArea()


class PublicRegionList(serializers.Serializer):
    release = PublicReleaseRef()
    count = serializers.IntegerField()
    results = PublicRegion(many=True)


class PublicRegionAnswer(serializers.Serializer):
    release = PublicReleaseRef()
    region = PublicRegion()
    facilities_without_detail = serializers.IntegerField(
        help_text="institutions of the region published without detail (counted in its totals)"
    )


class PublicFacilityList(serializers.Serializer):
    release = PublicReleaseRef()
    count = serializers.IntegerField()
    results = PublicFacility(many=True)


class PublicFacilityAnswer(serializers.Serializer):
    release = PublicReleaseRef()
    facility = PublicFacility()


class PublicJudgements(serializers.Serializer):
    achieved = serializers.IntegerField()
    partially_achieved = serializers.IntegerField()
    not_achieved = serializers.IntegerField()
    no_longer_applicable = serializers.IntegerField()
    not_judged = serializers.IntegerField()


class PublicRecommendationCounts(serializers.Serializer):
    mechanism = serializers.CharField()
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    implemented = serializers.IntegerField()
    judgements = PublicJudgements()
    share_implemented_percent = serializers.FloatField(allow_null=True)


class PublicRecommendationRegionCounts(PublicRecommendationCounts):
    region = serializers.CharField(allow_null=True, help_text="null: recommendations to the nation")


class PublicEvidence(serializers.Serializer):
    id = serializers.IntegerField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="bytes")
    url = serializers.URLField()


class PublicRecommendation(serializers.Serializer):
    id = serializers.IntegerField()
    mechanism = serializers.CharField()
    source = serializers.ChoiceField(
        choices=["document", "inspection"],
        help_text="document: a mechanism's source document (reference, date, paragraph); inspection: a "
        "prosecutor's or monitor's inspection of document_date",
    )
    document = serializers.CharField(allow_null=True, help_text="the source document's reference")
    document_date = serializers.DateField(allow_null=True)
    paragraph = serializers.CharField(allow_null=True)
    scope = serializers.CharField(help_text="nation, region or facility (never below)")
    region = serializers.CharField(allow_null=True)
    facility = serializers.CharField(allow_null=True, help_text="a facility published with detail, else null")
    rule = serializers.CharField(allow_null=True, help_text="the standard rule's code")
    judgement = serializers.CharField(allow_null=True)
    judged_on = serializers.DateField(allow_null=True)
    open = serializers.BooleanField()
    overdue = serializers.BooleanField()
    implemented = serializers.BooleanField()
    evidence = PublicEvidence(many=True)


class PublicRecommendationsAnswer(serializers.Serializer):
    release = PublicReleaseRef()
    by_mechanism = PublicRecommendationCounts(many=True)
    by_mechanism_and_region = PublicRecommendationRegionCounts(many=True)
    items = PublicRecommendation(many=True)


class PublicReleaseSummary(serializers.Serializer):
    number = serializers.IntegerField()
    as_of = serializers.DateField()
    published_at = serializers.DateTimeField()
    note = PublicNames()
    corrects = serializers.IntegerField(allow_null=True)
    demo = serializers.BooleanField()
    licence = serializers.CharField()
    current = serializers.BooleanField()
    url = serializers.URLField()
    datapackage = serializers.URLField(allow_null=True)


class PublicReleaseList(serializers.Serializer):
    release = PublicReleaseRef()
    count = serializers.IntegerField()
    results = PublicReleaseSummary(many=True)


class PublicReleaseAnswer(PublicReleaseSummary):
    release = PublicReleaseRef()
    nation = PublicArea()


class PublicRoot(serializers.Serializer):
    release = PublicReleaseRef(allow_null=True)
    nation = serializers.URLField()
    regions = serializers.URLField()
    facilities = serializers.URLField()
    recommendations = serializers.URLField()
    releases = serializers.URLField()
