"""Actors: state gazetteer and mention rules, organisation and people rules, merging, resources.

Sentences are our own; none is taken from the dev corpus."""
from __future__ import annotations

import pycountry
import pytest

from pipeline import actors
from pipeline.records import ActorFinding, Mention
from pipeline.resources import load_jsonl

RESOURCE_FIELDS = {
    "states.jsonl": {"id": str, "name": str, "alpha3": str, "aliases": list, "demonyms": list, "capitals": list},
    "organizations.jsonl": {"id": str, "name": str, "aliases": list, "country": str},
    "not_actors.jsonl": {"id": str, "name": str, "patterns": list},
    "actor_cues.jsonl": {"id": str, "kind": str, "words": list, "description": str},
}


# ----------------------------------------------------------------------------- resources

@pytest.mark.parametrize("name", sorted(RESOURCE_FIELDS))
def test_actors_resource_rows_have_required_fields(name):
    rows = load_jsonl(name)
    assert rows, f"{name} is empty"
    for row in rows:
        for field, kind in RESOURCE_FIELDS[name].items():
            assert isinstance(row.get(field), kind), f"{name} {row.get('id')}: '{field}' must be {kind.__name__}"
        for field, kind in RESOURCE_FIELDS[name].items():
            if kind is list:
                assert all(isinstance(x, str) and x.strip() for x in row[field]), f"{name} {row['id']}: {field}"


@pytest.mark.parametrize("name", sorted(RESOURCE_FIELDS))
def test_actors_resource_ids_and_canonical_names_are_unique(name):
    rows = load_jsonl(name)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    key = "kind" if name == "actor_cues.jsonl" else "name"
    names = [r[key] for r in rows]
    assert len(names) == len(set(names)), f"{name}: repeated {key}"


@pytest.mark.parametrize("name", ["states.jsonl", "organizations.jsonl"])
def test_actors_resource_forms_point_to_one_canonical_name(name):
    seen: dict[str, str] = {}
    for row in load_jsonl(name):
        forms = [row["name"], *row["aliases"], *row.get("demonyms", []), *row.get("capitals", [])]
        for form in forms:
            assert seen.setdefault(form, row["name"]) == row["name"], f"{name}: '{form}' is used twice"


@pytest.mark.parametrize("field", ["alpha3", "country"])
def test_actors_resource_codes_and_countries_are_valid(field):
    states = {r["name"] for r in load_jsonl("states.jsonl")}
    if field == "alpha3":
        for row in load_jsonl("states.jsonl"):
            if row["alpha3"]:
                assert pycountry.countries.get(alpha_3=row["alpha3"]) is not None, row["id"]
    else:
        for row in load_jsonl("organizations.jsonl"):
            assert row["country"] == "" or row["country"] in states, row["id"]


@pytest.mark.parametrize("form", ["Kremlin", "White House", "G7", "G20"])
def test_actors_resource_no_organisation_is_also_a_non_actor(form):
    assert form in actors.org_index()
    assert form.lower() not in {p.lower() for r in load_jsonl("not_actors.jsonl") for p in r["patterns"]}


# ----------------------------------------------------------------------------- states

@pytest.mark.parametrize("surface,expected", [
    ("U.S.", "United States"), ("US", "United States"), ("America", "United States"),
    ("ROK", "South Korea"), ("Republic of Korea", "South Korea"), ("DPRK", "North Korea"),
    ("the Philippines", "Philippines"), ("Seoul", "South Korea"), ("Russian Federation", "Russia"),
    ("Kingdom of Spain", "Spain"),                       # official name, from pycountry
    ("Lesotho", "Lesotho"), ("Plurinational State of Bolivia", "Bolivia"),   # not in our own rows
    ("Viet Nam", "Vietnam"), ("Türkiye", "Turkey"), ("Atlantis", None),
])
def test_actors_canonical_state(surface, expected):
    assert actors.canonical_state(surface) == expected


def _states(text):
    return [c for *_x, c in actors.state_mentions(text)]


@pytest.mark.parametrize("text,expected", [
    ("Lesotho and Botswana renewed their customs pact.", ["Lesotho", "Botswana"]),
    ("Officials from ROK and the DPRK met at the border.", ["South Korea", "North Korea"]),
    ("The Brazilian government rejected the offer.", ["Brazil"]),
    ("Brazilian public opinion has turned against the plan.", []),
    ("The Italian Prime Minister flew home.", ["Italy"]),
    ("A former Kenyan president chaired the talks.", []),
    ("Ottawa said the proposal was premature.", ["Canada"]),
    ("Berlin and Warsaw agreed to share radar data.", ["Germany", "Poland"]),
    ("The ministers gathered in Warsaw for two days.", []),
    ("The envoy is on a visit to Ottawa.", []),
    ("Patrol boats crossed the Taiwan Strait again.", []),
    ("Fishing fleets crowd the East China Sea.", []),
    ("Exports to Latin America rose sharply.", []),
    ("A Canada-Mexico-Chile working group was set up.", ["Canada", "Mexico", "Chile"]),
    ("Troops carried US-made rifles.", []),
    ("An anti-Japan rally was held.", []),
    ("The Korea-Japan summit and the China-EU talks went ahead.", ["Japan", "China"]),
    ("Voters in New Jersey went to the polls.", []),
    ("He studied in the States for a year.", ["United States"]),
    ("The States Parties met in Vienna.", []),
])
def test_actors_state_mentions(text, expected):
    assert _states(text) == expected


@pytest.mark.parametrize("text,offsets", [
    ("Chile signed.", [(0, 5, "Chile", "Chile")]),
    ("Ties with the Philippines", [(14, 25, "Philippines", "Philippines")]),
])
def test_actors_state_mentions_gives_offsets(text, offsets):
    assert actors.state_mentions(text) == offsets


# ----------------------------------------------------------------------------- helpers without the model

@pytest.mark.parametrize("name,expected", [
    ("Mr Alvarez", "Alvarez"), ("Dr. Hana Lee", "Hana Lee"), ("Sir Tom Field", "Tom Field"),
    ("Maria Lopez’s", "Maria Lopez"),
])
def test_actors_strip_honorifics(name, expected):
    assert actors.strip_honorifics(name) == expected


@pytest.mark.parametrize("text,role,country", [
    ("Italian Defence Minister Paolo Verdi", "Defence Minister", "Italy"),
    ("US Secretary of State Ann Miles", "Secretary of State", "United States"),
    ("Kenya's Ambassador to France Peter Otieno", "Ambassador to France", "Kenya"),
    ("Navy Chief Admiral Raj Kumar", "Navy Chief", ""),
    ("the former Chilean President Ana Soto", "former President", "Chile"),
    ("They met Paolo Verdi", "", ""),
    ("signed by then-President Ana Soto", "former President", ""),
    ("New Jersey Sen. Ana Ruiz", "New Jersey Sen.", ""),     # "Jersey" is not the island here
    ("forces in Iraq under President Omar Said", "President", ""),  # 'in Iraq under' is not a title
])
def test_actors_role_before_a_name(text, role, country):
    name_start = text.rindex(" ", 0, text.rindex(" ")) + 1
    assert actors._role_before(text, 0, name_start) == (role, country)


@pytest.mark.parametrize("after,role,country", [
    (", Foreign Minister of Peru, said the text was final.", "Foreign Minister", "Peru"),
    (", a former Ghanaian president, led the mediation.", "former president", "Ghana"),
    (", Canada's special envoy for the Arctic, arrived.", "special envoy for the Arctic", "Canada"),
    (", who arrived on Monday, spoke first.", "", ""),
    (", a Russia analyst at a think tank, disagreed.", "Russia analyst at a think tank", ""),
])
def test_actors_role_from_apposition(after, role, country):
    assert actors._role_after(after, 0, len(after)) == (role, country)


@pytest.mark.parametrize("name,expected", [
    ("Pacific Security Agreement", True), ("Treaty of Lagos", True), ("AUKUS", True),
    ("RCEP", True), ("Ministry of Defence", False), ("Coast Guard of Peru", False),
])
def test_actors_agreement_names_are_not_actors(name, expected):
    assert actors._agreement_like(name, "", {}) is expected


@pytest.mark.parametrize("text,name,expected", [
    ("They signed the Northern Fisheries Accord (NFA) last year.", "NFA", True),
    ("The KXT deal was signed in March.", "KXT", True),
    ("The Pacific Maritime Office (PMO) issued a notice.", "PMO", False),
])
def test_actors_acronyms_of_agreements_are_not_actors(text, name, expected):
    assert actors._agreement_like(name, text, actors._acronym_definitions(text)) is expected


@pytest.mark.parametrize("name,expected", [
    ("Keio University", True), ("Lowy Institute for International Policy", True), ("Acme Corp.", True),
    ("Raisina Forum", True), ("Ministry of Foreign Affairs", False), ("Coast Guard", False),
])
def test_actors_affiliation_company_and_event_heads(name, expected):
    assert actors._non_actor_head(name) is expected


@pytest.mark.parametrize("text,inside", [
    ("By Jane Roe and Tom Poe\nThe talks ended.", "Tom Poe"),
    ("The talks ended.\n(Reporting by Jane Roe; Editing by Tom Poe)", "Tom Poe"),
    ("Leaders pose for a picture. (Photo/Jane Roe)", "Jane Roe"),
    ("Leaders pose for a picture. (Jane Roe / Reuters)", "Jane Roe"),
])
def test_actors_byline_and_credit_spans(text, inside):
    start = text.index(inside)
    assert any(a <= start < b for a, b in actors._byline_spans(text))


@pytest.mark.parametrize("name,expected", [
    ("Garrett hit Rudolph", True), ("Abdullah bin Khalid al-Saud", False), ("Bank of Korea", False),
    ("Pedro de la Cruz", False),
])
def test_actors_stray_lowercase_word_marks_a_tagging_error(name, expected):
    assert actors._has_stray_lowercase(name) is expected


@pytest.mark.parametrize("text", ["Leaders met in Rome (in March) to talk."])
def test_actors_plain_parentheses_are_not_credits(text):
    assert actors._byline_spans(text) == []


@pytest.mark.parametrize("a,b", [
    ("Foreign Ministry", "Ministry of Foreign Affairs"), ("the Defence Ministry", "Ministry of Defense"),
    ("Department of State", "State Department"), ("Foreign Affairs Ministry", "Foreign Ministry"),
])
def test_actors_org_key_merges_variants_of_one_body(a, b):
    assert actors.org_key(a) == actors.org_key(b)


@pytest.mark.parametrize("a,b", [("Foreign Ministry", "Defense Ministry"), ("Ministry of Trade", "Trade Union")])
def test_actors_org_key_keeps_different_bodies_apart(a, b):
    assert actors.org_key(a) != actors.org_key(b)


def _actor(name, kind, *starts, country="", role=""):
    return ActorFinding(name=name, type=kind, country=country, role=role,
                        mentions=[Mention(s, s + len(name), name, 0) for s in starts])


@pytest.mark.parametrize("found,links,expected", [
    ([_actor("Ana Soto", "person", 0), _actor("Soto", "person", 50)], [], {"Ana Soto": 2}),
    ([_actor("Luis Peña Ruiz", "person", 0), _actor("Peña Ruiz", "person", 40)], [], {"Luis Peña Ruiz": 2}),
    ([_actor("Kim Min Jun", "person", 0), _actor("Kim Min", "person", 30), _actor("Kim", "person", 60)], [],
     {"Kim Min Jun": 3}),
    ([_actor("Tom Vale", "person", 0), _actor("Vale", "organization", 30)], [], {"Tom Vale": 2}),
    ([_actor("Ana Soto", "person", 0), _actor("Rita Soto", "person", 20), _actor("Soto", "person", 50)], [],
     {"Ana Soto": 1, "Rita Soto": 1, "Soto": 1}),
    ([_actor("Condor", "person", 0), _actor("Jaime Ruiz", "person", 30)], [("Condor", "Jaime Ruiz")],
     {"Jaime Ruiz": 2}),
])
def test_actors_merge_people(found, links, expected):
    out = actors.merge_people(found, links)
    assert {a.name: len(a.mentions) for a in out} == expected


# ----------------------------------------------------------------------------- with the model

def _by_name(parse, text, author=""):
    doc, sents = parse(text)
    return {a.name: a for a in actors.extract(doc, sents, author=author)}


@pytest.mark.model
@pytest.mark.parametrize("text,present,absent", [
    ("Ministers met in Singapore on Friday. Japan and Australia signed the pact.",
     ["Japan", "Australia"], ["Singapore"]),
    ("Fighting in Ukraine continued through the winter.", ["Ukraine"], []),
    ("QUITO, Ecuador — Peru and Colombia agreed on a border commission.", ["Peru", "Colombia"], ["Ecuador"]),
    ("Canberra and Wellington welcomed the deal.", ["Australia", "New Zealand"], []),
    ("The Greek foreign minister visited Kenya last week.", ["Greece", "Kenya"], []),
])
def test_actors_states_as_actors_not_venues(parse, text, present, absent):
    found = _by_name(parse, text)
    for name in present:
        assert found[name].type == "state"
    for name in absent:
        assert name not in found


@pytest.mark.model
@pytest.mark.parametrize("text,name,aliases,country", [
    ("The Japan Self-Defense Forces will join the drill. Officers of the JSDF said it would last a week.",
     "Japan Self-Defense Forces", {"Japan Self-Defense Forces", "JSDF"}, "Japan"),
    ("The Kremlin rejected the proposal on Monday.", "Kremlin", {"Kremlin"}, "Russia"),
    ("The Turkish parliament voted on the accession bill.", "Turkish parliament", {"Turkish parliament"}, "Turkey"),
])
def test_actors_organisations_merge_variants_with_country(parse, text, name, aliases, country):
    found = _by_name(parse, text)
    assert found[name].type == "organization"
    assert set(found[name].aliases) == aliases
    assert found[name].country == country


@pytest.mark.model
@pytest.mark.parametrize("text,absent", [
    ("The Guardian quoted the minister as saying the plan was sound.", "Guardian"),
    ("The ministers will meet at the G20 summit in Osaka.", "G20"),
    ("Delegates gathered at the Raisina Dialogue in New Delhi.", "Raisina Dialogue"),
    ("The talks were chaired by Maria Lopez, a professor at Keio University.", "Keio University"),
    ("Analysts worry about the Chinese military buildup near the islands.", "Chinese military"),
    ("Visitors toured the White House on Sunday.", "White House"),
])
def test_actors_non_actor_organisations_are_dropped(parse, text, absent):
    assert absent not in _by_name(parse, text)


@pytest.mark.model
@pytest.mark.parametrize("text,author,absent", [
    ("By Helen Marsh and Oliver Grant\nThe defence ministers of Peru and Chile met on Monday.", "", "Oliver Grant"),
    ("The defence ministers of Peru and Chile met on Monday, Helen Marsh reports.", "Helen Marsh", "Helen Marsh"),
    ("President Ana Soto greets the crowd. (Photo/Oliver Grant)", "", "Oliver Grant"),
])
def test_actors_bylines_credits_and_author_are_not_people(parse, text, author, absent):
    assert absent not in _by_name(parse, text, author)


@pytest.mark.model
@pytest.mark.parametrize("text,name,role,country,n", [
    ("Italian Defence Minister Paolo Verdi arrived in Lima. Verdi said the talks went well.",
     "Paolo Verdi", "Defence Minister", "Italy", 2),
    ("US Secretary of State Ann Miles spoke first. Later, Miles took questions.",
     "Ann Miles", "Secretary of State", "United States", 2),
    ("Carlos Ibarra, Foreign Minister of Peru, signed the memorandum.", "Carlos Ibarra", "Foreign Minister", "Peru", 1),
])
def test_actors_people_roles_countries_and_surname_merge(parse, text, name, role, country, n):
    found = _by_name(parse, text)
    person = found[name]
    assert (person.type, person.role, person.country, len(person.mentions)) == ("person", role, country, n)
    assert name.split()[-1] not in found
