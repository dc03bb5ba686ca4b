"""The documented vocabulary of the importer: header synonyms per entity field and value tables.

Spreadsheets name the same thing many ways ("RTO (hrs)", "Recovery Time Objective", "rto_hours"), and
answer the same question in many words ("Tier 1", "Critical", "Extreme"). Keeping those words here,
as data, lets a reviewer read exactly what the tool understands; a workspace adds its own entries in
``itscm.yaml`` under ``vocabularies:`` (table name -> {raw text: canonical value}).

Header synonyms are written in *normalised* form: lower case, units and bracketed hints removed,
punctuation turned into single spaces (see :func:`normalise_header`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from itscm_audit.model import EntityKind

_UNIT_IN_HEADER = re.compile(r"[(\[]\s*(?:in\s+|en\s+)?([a-z ]+?)\s*[)\]]")
_YES_NO_HINT = re.compile(r"[(\[]\s*(?:y|yes|o|oui|t|true)\s*/\s*(?:n|no|non|f|false)\s*[)\]]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold_accents(text: str) -> str:
    """``"Propriétaire"`` -> ``"Proprietaire"``: French headers and values compare without accents."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("œ", "oe").replace("æ", "ae")


@lru_cache(maxsize=4096)
def normalise_header(text: str) -> str:
    """``"RTO (hrs)*"`` -> ``"rto"``; ``"Critical Role?"`` -> ``"critical role"``; ``"PII (Y/N)"`` -> ``"pii"``;
    ``"Dernière vérification"`` -> ``"derniere verification"``."""
    lowered = _fold_marks(text)
    lowered = _UNIT_IN_HEADER.sub(" ", lowered)
    return _NON_ALNUM.sub(" ", lowered).strip()


def header_words(text: str) -> str:
    """The header with the words inside its brackets kept (``"Scope (services)"`` -> ``"scope services"``):
    what a bracket adds can decide between two fields."""
    return _NON_ALNUM.sub(" ", _fold_marks(text)).strip()


_NUMBER_SIGN = re.compile(r"#|\bn[°º]|\bno\.")
_TOOL_WRAPPER = re.compile(r"^\s*(?:custom\s*field|customfield|champ\s+personnalis[ée]+)\s*[(\[](.+)[)\]]\s*$",
                           re.IGNORECASE)
"""A tool's wrapper around the officer's own header: Jira exports ``Custom field (RTO achieved)``."""
_ELISION = re.compile(r"\b(?:d|l|qu)['’]")


def _fold_marks(text: str) -> str:
    """Lower case without accents, ``&`` as "and", French elisions dropped (``d'échéance`` -> ``échéance``),
    apostrophes as spaces, ``#`` / ``N°`` as "no", and yes/no hints (``(Y/N)``, ``(O/N)``) removed."""
    text = _TOOL_WRAPPER.sub(r"\1", text)
    lowered = _ELISION.sub("", text.casefold()).replace("&", " and ").replace("'", " ").replace("’", " ")
    lowered = _NUMBER_SIGN.sub(" no ", lowered)
    return _YES_NO_HINT.sub(" ", fold_accents(lowered))


def normalise_value(text: str) -> str:
    """Vocabulary keys compare without case, accents, surrounding punctuation or repeated spaces."""
    return " ".join(fold_accents(text.casefold()).replace("_", " ").replace("’", "'").split()).strip(" .:;,!")


_FINDING_ON_ROW = ("issue identified", "issues identified", "issue found", "issues found", "finding", "findings",
                   "lessons learned", "lessons learnt", "lesson learned", "improvement", "improvements",
                   "improvement identified", "areas for improvement", "gaps found", "lecons apprises",
                   "pistes amelioration", "amelioration",
                   "issue", "issues", "gap identified", "gaps identified", "gap", "gaps", "observation",
                   "observations", "weakness", "weaknesses", "problem identified", "problems", "deficiency",
                   "constat", "constats", "probleme identifie", "problemes identifies", "probleme constate",
                   "problemes constates", "lacune", "lacunes", "ecart", "ecarts", "ecarts constates",
                   "what we learned", "what we learnt", "learnings", "lessons", "takeaways", "what went wrong",
                   "aar finding", "aar findings", "after action finding", "after action findings",
                   "ce que nous avons appris", "enseignements", "retour d experience", "retex")
_ACTION_ON_ROW: dict[str, tuple[str, ...]] = {
    "corrective_action.description": ("corrective action", "remediation", "remediation action", "remediation plan",
                                      "improvement action", "improvement actions", "improvement plan action",
                                      "overall remediation plan", "milestone", "milestones", "milestone remediation",
                                      "action required", "action plan", "recommended action", "recommendation",
                                      "action", "actions", "mitigation", "action corrective", "mesure corrective",
                                      "mesures correctives", "plan action", "recommandation", "correctif"),
    "corrective_action.owner": ("action owner", "remediation owner", "owner of action", "action responsible",
                                "action assigned to", "assigned to", "responsible", "remediation lead",
                                "responsable de action", "responsable action", "responsable du suivi",
                                "responsable", "porteur", "porteur de action", "assigne a", "owner", "proprietaire",
                                "point of contact", "poc"),
    "corrective_action.due": ("target date", "remediation due", "remediation due date", "action due",
                              "action due date", "due date", "due", "due by", "deadline", "target completion date",
                              "target completion", "echeance", "date echeance", "date cible", "date prevue",
                              "date limite", "echeance de action", "scheduled completion date",
                              "scheduled completion", "planned completion", "planned completion date"),
    "corrective_action.status": ("action status", "remediation status", "status of action", "status", "statut",
                                 "statut de action", "statut action", "statut du suivi", "etat de action",
                                 "suivi", "milestone status", "avancement", "etat d avancement", "progress",
                                 "avancement du suivi", "progress of fix", "action progress", "state",
                                 "finding status", "issue status", "gap status", "statut du constat",
                                 "remediation state"),
    "corrective_action.closed": ("action closed", "closed on", "date closed", "closure date", "remediated on",
                                 "date de fermeture", "ferme le", "date de cloture", "corrige le", "date completed",
                                "completion date", "completed on", "actual completion date"),
}
"""Columns of an exercise, incident or vendor row that carry its finding and corrective action."""

_REGULATORS = ("regulator", "authority", "supervisory authority", "competent authority", "lead authority",
               "data protection authority", "data protection commission", "privacy commissioner",
               "information commissioner", "commissioner", "privacy regulator", "dpa", "dpc", "ico", "opc", "ipc",
               "oipc", "cai", "cnil", "oaic", "edps", "hhs", "ocr", "hhs ocr", "central bank", "cbi", "osfi", "amf",
               "fca", "pra", "csirt", "ncsc", "apd", "gba", "aepd", "garante", "dsb", "bfdi", "cnpd", "cssf",
               "state ag", "attorney general", "state attorney general", "ag",
               "acpr", "bafin", "dnb", "ecb", "bce")
"""Who a breach or a major incident is notified to: the regulator in general and the usual acronyms
(Ireland's DPC, Ontario's IPC, Canada's OPC, Québec's CAI, France's CNIL, the UK's ICO...)."""
_PEOPLE = ("individuals", "affected individuals", "data subjects", "affected data subjects", "persons",
           "affected persons", "people", "affected people", "patients", "customers", "clients", "members",
           "employees", "users", "consumers", "policyholders", "students", "residents", "citizens",
           "subjects", "affected parties", "affected", "affected customers", "affected clients", "affected members",
           "affected patients", "affected users", "affected employees")
"""The people a personal-data breach is notified to, by the names registers give them."""
_REGULATEURS = ("cai", "apd", "cnpd", "cssf", "acpr", "commission", "commission acces a information", "commissaire", "commissaire a la vie privee",
                "autorite", "autorite de controle", "regulateur", "cnil", "amf", "organisme de reglementation")
_PERSONNES = ("personnes", "personnes concernees", "personnes touchees", "clients", "membres", "patients",
              "employes", "usagers", "citoyens", "participants", "beneficiaires", "assures")


def _notified(whom: tuple[str, ...], french: tuple[str, ...]) -> tuple[str, ...]:
    """Every way a register says "<whom> notified (on)": ``IPC notified``, ``Date patients notified``,
    ``Notified to regulator``, ``CAI avisée le``, ``Clients informés``."""
    forms: list[str] = []
    for who in whom:
        forms += [f"{who} notified", f"notified {who}", f"notified to {who}", f"date {who} notified",
                  f"{who} notified date", f"date notified to {who}", f"{who} notification", f"{who} notification date",
                  f"notification to {who}", f"date of {who} notification", f"{who} informed",
                  f"date {who} informed", f"reported to {who}", f"date reported to {who}"]
    for qui in french:
        for verb in ("avise", "avisee", "avises", "avisees", "informe", "informee", "informes", "informees",
                     "notifie", "notifiee", "notifies", "notifiees"):
            forms.append(f"{qui} {verb}")
        forms += [f"notification {qui}", f"communication {qui}", f"communication a la {qui}",
                  f"communication au {qui}", f"communication aux {qui}", f"date de communication aux {qui}",
                  f"date de notification a la {qui}", f"notifie a la {qui}", f"notifiee a la {qui}"]
        forms += [f"avis a la {qui}", f"avis au {qui}", f"avis aux {qui}", f"date avis a la {qui}",
                  f"date avis aux {qui}", f"notification a la {qui}", f"notification aux {qui}"]
    return tuple(dict.fromkeys(forms))


def _stage_report(stage: str, *french: str) -> tuple[str, ...]:
    """A DORA report at one stage, in general or to a named regulator (``Initial notification to CBI``)."""
    forms = [f"{stage} {noun}" for noun in ("report", "notification", "notice", "report sent", "notification sent")]
    forms += [f"{stage} {noun} to {who}" for noun in ("report", "notification", "notice") for who in _REGULATORS]
    forms += [f"{who} {stage} {noun}" for noun in ("report", "notification") for who in _REGULATORS]
    forms += [f"{fr} {who}" for fr in french for who in (*_REGULATORS, *_REGULATEURS)]
    return (*forms, *french)


HEADER_SYNONYMS: dict[EntityKind, dict[str, tuple[str, ...]]] = {
    EntityKind.SERVICE: {
        "id": ("service id", "service ref", "service reference", "service code", "id", "ref id", "ref",
               "asset id", "asset ref id", "unique asset identifier", "application id", "app id",
               "system id", "service no", "service number", "service identifier", "svc id", "svc code",
               "svc no", "service key", "ci id", "code", "identifiant", "code du service", "code service",
               "no service", "no du service", "numero de service", "numero du service", "id service",
               "identifiant du service", "id du service", "reference"),
        "name": ("service name", "service", "name", "asset", "asset name", "application", "application name",
                 "system", "system name", "business service", "it service", "process", "business process",
                 "process name", "service title", "nom du service", "nom", "systeme", "nom de application",
                 "processus", "service affaires", "service ti", "actif", "nom de actif", "function",
                 "business function", "critical function", "function name", "fonction", "fonction affaires",
                 "fonction critique", "processus affaires"),
        "tier": ("tier", "service tier", "criticality", "criticality tier", "priority", "recovery tier",
                 "recovery priority", "impact level", "criticality level", "importance", "criticality rating",
                 "business criticality", "criticite", "niveau de criticite", "palier", "priorite",
                 "priorite de reprise", "classe de criticite", "cote de criticite", "niveau"),
        "owner": ("business owner", "owner", "service owner", "system owner", "process owner",
                  "system administrator owner", "accountable", "responsible", "application owner",
                  "proprietaire", "proprietaire affaires", "responsable", "responsable du service", "owned by",
                  "business owned by", "opi", "bpr", "opi bpr",
                  "detenteur", "proprietaire du service", "responsable affaires"),
        "mtpd": ("mtpd", "mtd", "maximum tolerable period of disruption", "maximum tolerable downtime",
                 "maximum acceptable outage", "mao", "how long can it be down", "how long can it be down mtd",
                 "mtpod", "mtdp", "dmia", "dmt", "dmia dmt", "duree maximale interruption acceptable",
                 "duree maximale interruption admissible", "delai maximal tolerable",
                 "delai maximal interruption tolerable", "duree maximale interruption tolerable",
                 "periode maximale interruption tolerable", "pmit"),
        "rto": ("rto", "recovery time objective", "rto hours", "rto hrs", "recovery time", "target rto",
                "rto target", "required rto", "business rto", "delai de reprise", "dmr",
                "delai maximal de reprise", "objectif de temps de reprise", "otr", "delai de retablissement",
                "temps de reprise", "rto delai de reprise", "delai de reprise rto", "objectif de delai de reprise",
                "delai maximal de retablissement", "dmt", "dma", "delai maximal d arret", "duree maximale d arret",
                "dma delai maximal d arret"),
        "rpo": ("rpo", "recovery point objective", "rpo hours", "rpo hrs", "recovery point", "target rpo",
                "data loss tolerance", "acceptable data loss", "maximum data loss", "rpo target", "pdma",
                "perte de donnees maximale admissible", "perte de donnees maximale acceptable",
                "objectif de point de reprise", "opr", "point de reprise", "pdma rpo", "rpo pdma",
                "perte de donnees admissible", "perte maximale de donnees"),
        "backup_interval": ("backup frequency", "backup interval", "backup schedule", "frequency of backup",
                            "backups", "how often is it backed up", "backup", "backup cadence",
                            "frequence de sauvegarde", "frequence des sauvegardes", "sauvegarde", "sauvegardes"),
        "personal_data": ("personal data", "contains personal data", "pii", "personal information",
                          "gdpr data", "processes personal data", "holds personal info", "holds personal information",
                          "holds personal data", "personal info", "contains pii", "contains personal information",
                          "pii data", "pii flag", "personal data flag", "processes pii", "holds pii",
                          "personally identifiable information", "renseignements personnels", "rp",
                          "donnees personnelles", "contient des renseignements personnels",
                          "donnees a caractere personnel", "traite des donnees a caractere personnel",
                          "customer data", "client data", "holds customer data", "member data", "patient data",
                          "donnees clients", "donnees de clients",
                          "renseignements personnels rp", "detient des renseignements personnels"),
        "phi": ("phi", "health data", "protected health information", "contains phi", "ephi", "holds phi",
                "health information", "health info", "phi flag", "personal health information", "pha",
                "renseignements de sante", "donnees de sante", "renseignements personnels de sante",
                "information de sante"),
        "depends_on": ("depends on", "dependencies", "dependency", "upstream services", "upstream",
                       "dependent on", "relies on", "upstream dependencies", "depend de", "dependances",
                       "dependance", "depend des services", "services requis"),
        "vendors": ("vendors", "vendor", "suppliers", "third parties", "providers", "vendor ids", "supplier",
                    "key vendors", "key suppliers", "fournisseurs", "fournisseur", "tiers", "prestataires"),
        "recovery_strategy": ("recovery strategy", "dr strategy", "recovery approach", "continuity strategy",
                              "recovery method", "workaround", "strategie de reprise", "strategie de continuite",
                              "mode de reprise", "solution de contournement", "mesure de contournement"),
        "plan_id": ("plan ref", "plan id", "plan", "plan reference", "bcp", "drp", "recovery plan", "pca",
                    "prs", "plan de reprise", "plan de continuite", "ref plan", "reference du plan"),
        "in_scope": ("in scope", "in scope for audit", "scope", "dans la portee", "inclus", "dans le perimetre"),
        "status": ("lifecycle", "lifecycle status", "lifecycle stage", "service status", "status",
                   "operational status", "state", "lifecycle state", "statut", "etat", "cycle de vie",
                   "statut du service", "etat du service"),
        "bia_reviewed": ("last bia review", "bia reviewed", "bia review date", "bia last reviewed", "bia date",
                         "reviewed", "reviewed on", "date reviewed", "review date", "last review",
                         "date of last bia", "last reviewed", "bia last updated", "last bia", "bia reviewed on",
                         "last bia update", "date bia", "derniere revision du bia", "date de revision du bia",
                         "revision bia", "bia revise le", "derniere revue du bia", "date de la derniere revue",
                         "derniere revue", "derniere revision", "date du bia", "date de revision"),
    },
    EntityKind.EXERCISE: {
        "id": ("exercise id", "test id", "exercise ref", "drill id", "exercise", "id", "ref id", "test ref", "ref",
               "issue key", "key", "ticket key", "ticket",
               "reference", "exercise no", "exercise number", "test no", "test number", "drill ref", "drill no",
               "dr test id", "test", "no exercice", "numero exercice", "id exercice", "exercice",
               "identifiant", "no", "numero", "code"),
        "date": ("date", "exercise date", "test date", "date of exercise", "date tested", "conducted on", "when",
                 "date run", "ran on", "game day date",
                 "drill date", "performed on", "task date", "date held", "held on", "date of test",
                 "date de exercice", "date du test", "realise le", "tenu le", "date de realisation"),
        "type": ("type", "exercise type", "test type", "kind of test", "test method", "exercise format",
                 "scenario type", "type of scenario", "type de scenario", "drill type", "game day type",
                 "format", "type exercice", "type de test", "type essai", "type de exercice", "nature",
                 "nature de exercice", "nature du test", "nature exercice", "forme de exercice"),
        "scenario": ("scenario", "scenario tested", "exercise name", "test name", "name", "title",
                     "exercise title", "test scenario", "description", "objective", "objectif",
                     "nom de exercice", "titre", "scenario teste"),
        "services": ("services tested", "services", "service", "systems tested", "scope", "scope services",
                     "functions tested", "functions exercised", "essential functions tested", "processes tested",
                     "systems involved", "services involved", "involved systems", "systemes impliques",
                     "services impliques",
                     "services mis a l epreuve", "systemes mis a l epreuve", "services eprouves", "services testes",
                     "systemes testes", "perimetre", "perimetre teste",
                     "services in scope", "systems in scope", "in scope services", "services scope",
                     "applications tested", "services exercised", "services covered", "systems", "applications", "system",
                     "application", "systems tested", "system tested",
                     "systems services", "services systems", "services testes", "systemes testes", "portee",
                     "services vises", "perimetre", "services couverts", "portee services"),
        "achieved_recovery_time": ("achieved recovery time", "actual recovery time", "recovery time achieved",
                                   "actual rto", "achieved rto", "time to recover", "recovery time", "rto achieved",
                                   "measured rto", "actual recovery", "achieved recovery", "time to restore",
                                   "actual", "achieved", "actual time", "temps reel de reprise", "duree reelle",
                                   "recovery duration", "temps de reprise atteint", "temps de reprise reel",
                                   "dmr atteint", "rto atteint", "rto reel", "delai de reprise atteint",
                                   "temps de reprise", "duree de reprise", "delai de reprise reel",
                                   "temps de reprise obtenu", "temps de reprise mesure", "dmt obtenu", "dmt atteint",
                                   "dmt reel", "rto obtenu", "delai de reprise obtenu", "duree de reprise obtenue",
                                   "time achieved", "achieved time"),
        "achieved_data_loss": ("data loss", "achieved data loss", "actual data loss", "actual rpo",
                               "achieved rpo", "rpo achieved", "measured rpo", "data lost", "perte de donnees",
                               "donnees perdues", "perte reelle", "actual loss",
                               "perte de donnees reelle", "rpo atteint", "rpo reel", "pdma atteinte",
                               "perte de donnees constatee", "perte de donnees obtenue", "perte de donnees mesuree",
                               "pdma obtenue", "pdma reelle", "rpo obtenu"),
        "result": ("result", "outcome", "test result", "successful", "pass fail", "status", "overall result",
                   "exercise result", "exercise outcome", "resultat", "statut", "resultat de exercice",
                   "reussi echec", "verdict", "conclusion", "assessment", "rating", "grade", "appreciation",
                   "bilan"),
        "report": ("report", "report path", "post exercise report", "after action report", "aar", "evidence",
                   "rapport", "rapport exercice", "preuve", "rapport post exercice"),
        "target_rto": ("target rto", "rto target", "rto objective", "planned rto", "rto at the time",
                       "target recovery time", "rto tested against", "expected rto", "rto", "rto cible",
                       "objectif rto", "dmr cible", "delai de reprise cible", "delai de reprise vise", "rto vise", "dma visee",
                       "dma vise", "dma cible", "objectif dma", "goal rto", "rto goal", "goal",
                       "dmt cible", "dmt vise", "objectif dmt", "dmt prevu", "rto prevu"),
        "target_rpo": ("target rpo", "rpo target", "rpo objective", "planned rpo", "rpo at the time",
                       "expected rpo", "rpo", "rpo cible", "objectif rpo", "pdma cible", "pdma visee",
                       "max data loss", "target data loss", "data loss target", "perte de donnees cible",
                       "perte de donnees visee", "perte de donnees admissible"),
        "finding.description": _FINDING_ON_ROW,
        "finding.severity": ("issue severity", "finding severity", "severity", "gravite", "severite"),
        **_ACTION_ON_ROW,
    },
    EntityKind.FINDING: {
        "id": ("finding id", "finding ref", "observation id", "issue id", "id", "weakness id", "poa and m id",
               "poam id", "issue ref", "observation ref", "gap id", "ref", "finding no", "no constat",
               "id constat", "numero du constat", "constat id", "reference"),
        "exercise_id": ("exercise id", "exercise", "test id", "exercise ref", "exercice", "no exercice",
                        "id exercice", "source exercise", "drill id"),
        "incident_id": ("incident id", "incident", "incident ref", "no incident", "id incident"),
        "vendor_id": ("vendor id", "vendor", "supplier", "fournisseur"),
        "description": ("finding", "description", "finding description", "observation", "weakness", "finding title",
                        "finding name", "issue title", "titre du constat", "title", "summary",
                        "weakness description", "issue", "issue description", "gap", "gap description", "details",
                        "constat", "probleme", "lacune", "ecart", "description du constat"),
        "severity": ("severity", "rating", "risk rating", "priority", "original risk rating", "risk level",
                     "gravite", "severite", "priorite", "cote de risque"),
        "raised": ("raised", "date raised", "identified", "date identified", "found on", "opened",
                   "original detection date", "raised on", "date du constat", "identifie le", "releve le",
                   "date identification"),
        # a POA&M row: the weakness and its milestone, point of contact, scheduled completion and status
        **_ACTION_ON_ROW,
    },
    EntityKind.CORRECTIVE_ACTION: {
        "id": ("action id", "poam id", "poa and m id", "corrective action id", "remediation id", "id",
               "action ref", "action no", "ref", "no action", "id action", "numero de action", "reference"),
        "finding_id": ("finding id", "finding", "finding ref", "related finding", "issue id", "no constat",
                       "id constat", "constat", "constat lie"),
        "description": ("action", "corrective action", "description", "overall remediation plan",
                        "remediation plan", "remediation", "action description", "remediation action",
                        "action required", "recommendation", "recommended action", "action corrective",
                        "mesure corrective", "plan action", "recommandation", "description de action"),
        "owner": ("owner", "action owner", "point of contact", "responsible", "assigned to", "poc",
                  "remediation owner", "responsable", "proprietaire", "porteur", "assigne a",
                  "responsable de action"),
        "opened": ("opened", "date opened", "raised", "original detection date", "created", "start date",
                   "opened on", "date ouverture", "ouvert le", "cree le"),
        "due": ("due date", "due", "target date", "scheduled completion date", "deadline",
                "planned completion", "remediation due", "remediation due date", "target completion date",
                "due by", "echeance", "date echeance", "date cible", "date prevue", "date limite"),
        "status": ("status", "action status", "state", "remediation status", "statut", "etat",
                   "statut de action"),
        "closed": ("closed on", "closed", "date closed", "completion date", "completed on", "closure date",
                   "date de fermeture", "ferme le", "date de cloture", "complete le"),
    },
    EntityKind.CONTACT: {
        "role": ("role", "function", "position", "job title", "team role", "responsibility", "title", "plan role",
                 "role in the eoc", "eoc role", "role in the emergency operations centre",
                 "mission",
                 "crisis role", "role de crise", "mandat",
                 "bcp role", "fonction", "poste", "titre", "responsabilite", "role dans le plan",
                 "role de releve"),
        "name": ("name", "contact name", "person", "primary", "primary contact", "name and home address",
                 "full name", "primary name", "role holder", "nom", "nom complet", "personne", "titulaire",
                 "nom du titulaire", "responsable", "contact principal"),
        "alternate": ("alternate", "alternate contact", "backup contact", "deputy", "secondary", "alternate name",
                      "backup person", "deputy name", "delegate", "suppleant", "substitut", "remplacant", "releve",
                      "suppleant e", "substitut e", "nom du suppleant", "suppleance", "secondary contact",
                      "second contact", "suppleante", "remplacante", "contact de releve", "contact secondaire",
                      "personne suppleante", "backup"),
        "phone": ("phone", "telephone", "mobile", "phone number", "cell", "tel", "mobile phone", "cell phone",
                  "work phone", "contact number", "cellulaire", "no de telephone", "numero de telephone",
                  "telephone cellulaire", "tel cellulaire"),
        "email": ("email", "e mail", "email address", "mail", "courriel", "adresse courriel",
                  "courrier electronique", "adresse electronique"),
        "backup_channel": ("backup channel", "alternate channel", "out of band channel", "secondary channel",
                           "backup communication", "alternate means of contact", "canal de releve",
                           "canal secondaire", "autre moyen de communication", "moyen de communication de releve",
                           "canal alternatif", "moyen de releve", "landline", "pager", "radio", "satellite phone",
                           "alternate phone", "alternate number", "home phone", "telephone secondaire",
                           "telephone de releve", "ligne de releve", "teleavertisseur", "radio channel"),
        "critical_role": ("critical role", "critical", "key role", "essential role", "key personnel",
                          "role critique", "critique", "role essentiel", "essentiel", "role cle"),
        "last_verified": ("last verified", "verified on", "last checked", "last tested", "date verified",
                          "last verified on", "verification date", "date last verified", "last validated",
                          "last confirmed", "derniere verification", "verifie le", "date de verification",
                          "date de la derniere verification", "derniere validation", "valide le"),
    },
    EntityKind.VENDOR: {
        "id": ("vendor id", "supplier id", "third party id", "provider id", "ref id", "id", "entity id",
               "vendor no", "vendor code", "supplier code", "ref", "id fournisseur", "no fournisseur",
               "code fournisseur", "identifiant", "reference"),
        "name": ("vendor", "vendor name", "supplier", "supplier name", "third party", "provider", "name",
                 "company", "third party name", "provider name", "fournisseur", "nom du fournisseur", "tiers",
                 "prestataire", "nom", "nom du prestataire", "entreprise"),
        "services": ("services supported", "services", "supported services", "services provided",
                     "product or service", "solutions", "supports", "dependent services", "services relying",
                     "critical services supported", "functions supported", "supported functions",
                     "critical functions supported", "business functions supported", "functions",
                     "fonctions soutenues", "services soutenus", "services supportes", "services fournis",
                     "services couverts", "services desservis", "services dependants"),
        "contract_rto": ("contract rto", "contractual rto", "sla rto", "vendor rto", "rto", "contracted rto",
                         "rto in contract", "rto commitment", "rto sla", "rto contractuel", "dmr contractuel",
                         "delai de reprise contractuel", "rto contrat", "rto selon contrat", "rto du contrat"),
        "contract_rpo": ("contract rpo", "contractual rpo", "sla rpo", "vendor rpo", "rpo", "contracted rpo",
                         "contract data loss", "data loss", "maximum data loss", "perte de donnees contractuelle",
                         "rpo in contract", "rpo commitment", "rpo sla", "rpo contractuel", "pdma contractuelle",
                         "pdma contractuel", "rpo contrat", "rpo selon contrat"),
        "contact": ("contact", "vendor contact", "account manager", "contact email", "phone", "contact person",
                    "interlocuteur", "interlocutrice", "interlocuteur principal", "repondant", "key contact",
                    "personne ressource", "representant", "contact fournisseur", "relationship manager",
                    "relationship owner", "account representative", "escalation contact", "key contact", "supplier contact", "provider contact", "gestionnaire de la relation",
                    "gestionnaire de compte", "charge de compte"),
        "bc_plan_reviewed": ("bc plan reviewed", "bcp reviewed", "continuity plan reviewed",
                             "last bc review", "bcp review date", "bc review", "bc review date", "last bcp review",
                             "date of last bc review", "bc plan last reviewed", "bcp last reviewed",
                             "continuity plan reviewed on", "bc assessment date", "last bc assessment",
                             "last continuity review", "derniere revue du pca", "revue du pca",
                             "date de revue du pca", "pca revise le", "derniere revue pca",
                             "derniere revue de continuite", "date de la revue pca"),
        "finding.description": ("bc review findings", "bc review result", "review findings", "bc findings",
                                "bc review issues", "issues found", "findings", "issue identified",
                                "constats de la revue", "constats", "constat", "ecarts", "review outcome",
                                "review result", "outcome of review", "result of review", "bcp review outcome",
                                "resultat de la revue", "issues noted", "gaps noted",
                                "review notes", "review comments", "bc review notes", "notes de revue",
                                "commentaires de la revue"),
        **_ACTION_ON_ROW,
    },
    EntityKind.PLAN_DOCUMENT: {
        "id": ("doc id", "document id", "plan id", "ref id", "id", "document ref", "document no", "ref",
               "no document", "id document", "identifiant", "reference", "plan no", "plan number", "plan ref",
               "no du plan", "no de plan", "numero du plan", "numero de plan", "id du plan", "code du plan",
               "identifiant du plan", "no du document", "numero du document"),
        "title": ("title", "document title", "plan title", "document", "plan name", "name", "titre", "intitule", "plan",
                  "nom du document", "nom du plan", "titre du document"),
        "type": ("type", "document type", "plan type", "type de document", "type de plan"),
        "owner": ("owner", "document owner", "plan owner", "proprietaire", "responsable",
                  "responsable du document"),
        "version": ("version", "rev", "revision", "version no", "ver", "vers", "v"),
        "approved_by": ("approved by", "approver", "signed off by", "approuve par", "approbateur"),
        "approved": ("approved on", "approved", "approval date", "date approved", "signed off",
                     "date approbation", "approuve le"),
        "last_reviewed": ("last review", "last reviewed", "reviewed on", "review date", "date reviewed",
                          "derniere revue", "derniere revision", "revise le", "date de revision",
                          "date de la derniere revue"),
        "services": ("services", "services covered", "scope", "systems", "services couverts", "portee", "covers",
                     "in scope services", "services in scope", "perimetre",
                     "covered services", "systems covered", "applies to", "couvre", "s applique a"),
    },
    EntityKind.TRAINING_RECORD: {
        "person": ("name", "person", "employee", "staff member", "participant", "trainee", "attendee", "learner",
                   "learner name", "user name", "apprenant", "apprenante",
                   "employee name", "nom", "employe", "personne", "participant e", "nom de employe"),
        "role": ("role", "job title", "position", "poste", "fonction", "titre du poste"),
        "course": ("course", "training", "module", "course name", "training course", "formation", "cours",
                   "course title", "learning item", "item title", "titre de la formation", "titre du cours",
                   "training title", "training name", "module title", "titre du module",
                   "nom de la formation", "formation suivie", "cours suivi", "training completed", "course taken",
                   "session", "training session", "seance", "atelier", "workshop", "programme"),
        "completed": ("completed", "completed on", "completion date", "date completed", "date", "complete le",
                      "date de completion", "terminee le", "suivie le", "date de la formation",
                      "date de fin", "attended", "attended on", "date attended", "present le", "participation",
                      "suivi le", "taken", "taken on", "passed on"),
    },
    EntityKind.INCIDENT: {
        "id": ("incident id", "incident ref", "ticket", "ref id", "id", "incident number", "incident no", "ref",
               "ticket no", "reference", "no incident", "numero incident", "id incident", "identifiant",
               "case", "case no", "case id", "case number", "case ref", "dossier", "no de dossier", "no dossier",
               "no violation", "no de violation", "breach no", "breach id", "breach ref", "no atteinte",
               "no", "numero"),
        "title": ("title", "incident", "name", "summary", "incident title", "description",
                  "incident description", "short description", "titre", "resume", "sommaire",
                  "description de incident", "what happened", "ce qui s est passe", "evenement", "event",
                  "intitule", "libelle", "objet", "nature", "nature de la violation", "nature de incident",
                  "nature of breach", "nature of the breach"),
        "detected": ("detected", "detected at", "detection", "detection date", "date detected", "occurred",
                     "detected on", "date time detected", "detection time", "date reported", "reported",
                     "date discovered", "discovered", "discovery date", "discovered on", "incident date",
                     "date of incident", "date occurred",
                     "detecte le", "date de detection", "date et heure de detection", "survenu le",
                     "date de incident", "constate le", "constatee le", "date constatee", "constate",
                     "date de constatation", "constatation", "date de la violation", "date of breach",
                     "constatee"),
        "aware": ("became aware", "aware", "awareness", "aware at", "date of awareness", "date aware", "connu le",
                  "date connue", "su le", "known on", "known since", "learned of",
                  "awareness date", "pris connaissance le", "date de prise de connaissance",
                  "prise de connaissance"),
        "personal_data_breach": ("personal data breach", "privacy breach", "data breach", "breach",
                                 "personal information involved", "pii involved", "privacy incident",
                                 "personal data involved", "personal info involved", "involves personal data",
                                 "involves personal information", "personal data", "pii",
                                 "breach of security safeguards", "incident de confidentialite",
                                 "atteinte a la vie privee", "atteinte aux renseignements personnels",
                                 "renseignements personnels touches", "donnees personnelles",
                                 "renseignements personnels", "donnees a caractere personnel",
                                 "donnees personnelles touchees", "personal data affected",
                                 "donnees personnelles concernees", "renseignements personnels concernes",
                                 "personal data concerned",
                                 "atteinte a la protection des renseignements personnels"),
        "risk_of_harm": ("risk of harm", "harm", "rrosh", "risk to individuals", "real risk of significant harm",
                         "risk of significant harm", "significant harm", "risk of serious harm",
                         "risk of serious injury", "risk level to individuals", "risque de prejudice grave",
                         "risque de prejudice serieux", "risque de prejudice", "prejudice serieux",
                         "risk to persons", "risk to people", "risk to data subjects", "risk to the individuals",
                         "risque pour les personnes", "risque pour les personnes concernees",
                         "risk to rights and freedoms", "risk to the rights and freedoms",
                         "risque pour les droits et libertes", "risque pour les droits et libertes des personnes"),
        "jurisdictions": ("jurisdictions", "jurisdiction", "countries", "regions", "juridictions",
                          "juridiction", "territoires", "provinces"),
        "regulator_notified": _notified(_REGULATORS, _REGULATEURS),
        "individuals_notified": _notified(_PEOPLE, _PERSONNES),
        "registered": ("in breach register", "registered", "breach register", "recorded in register",
                       "inscrit au registre", "consigne au registre", "registre des incidents"),
        "major_ict": ("major ict incident", "major incident", "major ict", "dora major", "incident majeur", "major",
                      "majeur", "is major", "major yes no"),
        "classified_major": ("classified major", "classification date", "classified", "classified as major",
                             "classified as major on", "date classified major", "classe majeur le",
                             "classe comme majeur", "date de classement majeur",
                             "date de classification"),
        "initial_report": _stage_report("initial", "rapport initial", "notification initiale"),
        "intermediate_report": _stage_report("intermediate", "rapport intermediaire", "notification intermediaire"),
        "final_report": _stage_report("final", "rapport final", "notification finale"),
        "services": ("services", "services affected", "affected services", "systems affected",
                     "impacted services", "services impacted", "services touches", "services affectes",
                     "systemes touches"),
        "finding.description": ("issue identified", "issues identified", "root cause finding", "finding",
                                "findings", "lessons learned", "gap identified", "constat", "constats",
                                "lecons apprises"),
        **_ACTION_ON_ROW,
    },
    EntityKind.RISK: {
        "id": ("risk id", "risk ref", "ref id", "id", "risk no", "ref", "no risque", "id risque", "identifiant",
               "reference"),
        "title": ("risk", "title", "risk title", "name", "risk name", "risk description", "risque", "titre",
                  "description du risque"),
        "likelihood": ("likelihood", "probability", "current proba", "current likelihood", "proba",
                       "probabilite", "vraisemblance"),
        "impact": ("impact", "current impact", "consequence", "severity", "gravite"),
        "treatment": ("treatment", "risk treatment", "response", "mitigation", "treatment plan", "traitement",
                      "plan de traitement", "mesure attenuation"),
        "owner": ("owner", "risk owner", "proprietaire", "responsable", "proprietaire du risque"),
        "services": ("services", "assets", "affected services", "services affected", "actifs",
                     "services touches", "linked services", "linked ibs", "ibs", "important business services",
                     "services lies", "services concernes"),
    },
    EntityKind.BACKUP_RUN: {
        "service_id": ("protected service", "protected system", "protected application", "service", "service id",
                       "system", "application", "systeme", "server service", "service server", "server", "host",
                       "hostname", "host name", "server name", "client", "backup client", "system service",
                       "service system", "backup set", "database", "database name", "vm", "vm name",
                       "virtual machine", "serveur", "serveur service", "base de donnees", "nom du serveur", "hote",
                       "client de sauvegarde", "systeme protege", "application protegee", "service protege",
                       # a job is named after what it protects only by habit: the last resort
                       "job", "backup job", "job name", "tache", "travail de sauvegarde"),
        "completed": ("completed at", "completed", "end time", "finished", "backup date", "date", "timestamp",
                      "termine le", "heure de fin", "date de sauvegarde", "complete le", "fin", "job end",
                      "job end time", "job finished", "job completed", "end", "ended", "ended at", "end date",
                      "finished at", "finish time", "completion time", "completed on", "backup end",
                      "backup completed", "fin de la tache", "fin du travail", "date de fin", "date et heure de fin"),
        "status": ("status", "result", "outcome", "statut", "resultat", "etat", "backup status", "backup result",
                   "status code", "exit code", "return code", "result code", "job status code",
                   "job status", "job result", "last result", "statut de la sauvegarde", "resultat de la sauvegarde"),
        "restore_test": ("restore test", "restore tested", "test restore", "restore verified", "restore check",
                         "surebackup verified", "surebackup", "verified by surebackup", "recovery verified",
                         "restore verification",
                         "test restore done", "restore test performed", "restore validated", "recovery tested",
                         "test de restauration", "restauration testee", "restauration verifiee",
                         "test de restauration effectue"),
    },
}
"""Normalised header text -> model field, per entity. The first synonym is the canonical header."""

SECONDARY_GROUPS: frozenset[str] = frozenset({
    "alternate", "alternate contact", "backup", "backup contact", "secondary", "secondary contact",
    "deputy", "delegate", "second contact", "suppleant", "suppleante", "suppleant e", "substitut",
    "substitut e", "remplacant", "remplacante", "releve", "contact de releve", "contact secondaire",
    "personne suppleante",
})
"""Group headers over the details of someone other than the record itself ("Alternate" over Name / Phone
in a call tree): the name under them is the field the group names, the rest is kept as extras."""
SECONDARY_GROUP_WORDS: frozenset[str] = frozenset({
    "alternate", "alternates", "backup", "secondary", "deputy", "delegate", "suppleant", "suppleante",
    "substitut", "remplacant", "remplacante", "releve",
})
"""Words that make any group header name someone other than the record ("ALTERNATE / SUBSTITUT",
"Répondant de relève")."""

KEY_FIELDS: dict[EntityKind, tuple[str, ...]] = {
    EntityKind.SERVICE: ("id", "name"),
    EntityKind.EXERCISE: ("id", "date"),
    EntityKind.FINDING: ("id",),
    EntityKind.CORRECTIVE_ACTION: ("id",),
    EntityKind.CONTACT: ("role", "name"),
    EntityKind.VENDOR: ("id", "name"),
    EntityKind.PLAN_DOCUMENT: ("id", "title"),
    EntityKind.TRAINING_RECORD: ("person",),
    EntityKind.INCIDENT: ("id",),
    EntityKind.RISK: ("id", "title"),
    EntityKind.BACKUP_RUN: ("service_id",),
}
"""A row 'has an identifier' when one of these columns holds a value; the table ends at the last such row."""

FALLBACKS: dict[EntityKind, dict[str, str]] = {
    EntityKind.EXERCISE: {"id": "scenario"},
    EntityKind.SERVICE: {"id": "name", "name": "id"},
    EntityKind.VENDOR: {"id": "name", "name": "id"},
    EntityKind.PLAN_DOCUMENT: {"id": "title", "title": "id"},
    EntityKind.RISK: {"title": "id"},
    EntityKind.INCIDENT: {"id": "title"},
}
"""When a required field is empty, take it from this other field of the same row (e.g. a vendor list
with names only)."""

REQUIRED: dict[EntityKind, tuple[str, ...]] = {
    EntityKind.SERVICE: ("id", "name"),
    EntityKind.EXERCISE: ("id", "date"),
    EntityKind.FINDING: ("id",),
    EntityKind.CORRECTIVE_ACTION: ("id",),
    EntityKind.CONTACT: ("role",),
    EntityKind.VENDOR: ("id", "name"),
    EntityKind.PLAN_DOCUMENT: ("id", "title"),
    EntityKind.TRAINING_RECORD: ("person",),
    EntityKind.INCIDENT: ("id",),
    EntityKind.RISK: ("id", "title"),
    EntityKind.BACKUP_RUN: ("service_id", "completed"),
}
"""Fields without which a row is rejected (after the fallbacks above)."""

UNIQUE_ID: frozenset[EntityKind] = frozenset({
    EntityKind.SERVICE, EntityKind.EXERCISE, EntityKind.FINDING, EntityKind.CORRECTIVE_ACTION,
    EntityKind.VENDOR, EntityKind.PLAN_DOCUMENT, EntityKind.INCIDENT, EntityKind.RISK,
})
"""Entities whose ``id`` must be unique: a second row with the same id is rejected."""

GENERIC_HEADERS: frozenset[str] = frozenset({
    "id", "ref id", "ref", "name", "description", "type", "status", "date", "title", "owner", "priority",
    "scope", "state", "outcome", "result", "function", "service", "system", "services", "assets", "phone",
    "contact", "severity", "rating", "created", "completed", "plan", "backup", "exercise", "finding", "action",
    "asset", "reference", "code", "no", "numero", "identifiant", "nom", "titre", "statut", "etat", "resultat",
    "responsable", "proprietaire", "portee", "systeme", "systems", "applications", "application", "issue",
    "issues", "rto", "rpo", "niveau", "priorite", "actions", "findings", "constat", "constats", "fonction",
    "critique", "critical", "test", "due", "suivi", "incident", "vendor", "supplier", "fournisseur", "tiers",
    "format", "responsible", "assigned to", "date limite", "nature", "end", "server", "client", "host",
})
"""Headers that many tables share: they count half when deciding which entity a sheet holds."""

NAME_HINTS: dict[EntityKind, tuple[str, ...]] = {
    EntityKind.SERVICE: ("service", "bia", "inventory", "asset", "application", "system", "impact", "inventaire",
                         "actif", "bilan d", "analyse d", "systeme"),
    EntityKind.EXERCISE: ("exercise", "drill", "test", "task", "dr log", "exercice", "essai"),
    EntityKind.FINDING: ("finding", "observation", "constat", "poa", "poam", "plan of action", "weakness",
                         "lacune"),
    EntityKind.CORRECTIVE_ACTION: ("action", "poa", "poam", "remediation", "milestone", "plan d action",
                                   "mesures correctives"),
    EntityKind.CONTACT: ("call tree", "contact", "personnel", "representative", "calltree", "arbre d appel",
                         "arbre d alerte", "chaine telephonique", "liste d appel", "bottin", "repertoire"),
    EntityKind.VENDOR: ("vendor", "supplier", "third part", "entities", "provider", "fournisseur", "tiers",
                        "prestataire"),
    EntityKind.PLAN_DOCUMENT: ("plan document", "plans", "document"),
    EntityKind.TRAINING_RECORD: ("training", "awareness", "formation"),
    EntityKind.INCIDENT: ("incident", "breach", "atteinte", "confidentialite"),
    EntityKind.RISK: ("risk", "ra sample", "risque"),
    EntityKind.BACKUP_RUN: ("backup", "sauvegarde"),
}
"""Words in a sheet or file name that make an entity more likely when header scores tie."""

OTHER_REGISTER_HINTS: tuple[str, ...] = ("applied control", "controls", "controles", "security measure",
                                         "requirement", "exigences", "questionnaire", "self assessment",
                                         "auto evaluation")
"""Words in a sheet or file name that say it holds another kind of register (security controls,
requirements, questionnaires): a header that only loosely looks like a continuity table is then not
read as one (no entity hint in the name: the sheet is reported as not recognised instead)."""

ENTITY_ALIASES: dict[str, EntityKind] = {
    **{k.value: k for k in EntityKind},
    **{k.value.replace("_", "-"): k for k in EntityKind},
    "services": EntityKind.SERVICE, "bia": EntityKind.SERVICE, "exercises": EntityKind.EXERCISE,
    "findings": EntityKind.FINDING, "actions": EntityKind.CORRECTIVE_ACTION,
    "poam": EntityKind.CORRECTIVE_ACTION, "contacts": EntityKind.CONTACT,
    "call-tree": EntityKind.CONTACT, "vendors": EntityKind.VENDOR, "plans": EntityKind.PLAN_DOCUMENT,
    "training": EntityKind.TRAINING_RECORD, "incidents": EntityKind.INCIDENT, "risks": EntityKind.RISK,
    "backups": EntityKind.BACKUP_RUN, "backup": EntityKind.BACKUP_RUN,
}
"""Names accepted by ``--entity`` and ``entity:`` in itscm.yaml."""

# --- header words: what each word of a header means, whatever its order ----------------------------------

def _each(words: str, meaning: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), meaning)


HEADER_WORD_FORMS: dict[str, str] = {
    # identifiers ("Sys #", "Function Ref", "Supplier #", "No", "Code fournisseur")
    **_each("id ids identifier identifiers ident identifiant identifiants ref refs reference references no nos "
            "number numbers num nr numero numeros code codes tag tags", "id"),
    # what a register lists: one word for the service, the system and the application it runs on
    **_each("service services svc system systems sys systeme systemes application applications app apps "
            "processus process processes appli applis", "service"),
    **_each("vendor vendors supplier suppliers provider providers fournisseur fournisseurs prestataire "
            "prestataires tpp contractor contractors", "vendor"),
    **_each("exercise exercises exercice exercices drill drills ex exo exer", "exercise"),
    # people who answer for something ("Service Manager", "Accountable Director", "Responsable de la mesure")
    **_each("owner owners manager managers director directors directeur directrice lead leader head accountable "
            "responsible responsable responsables custodian steward proprietaire proprietaires gestionnaire "
            "detenteur porteur assignee poc dri opi bpr", "owner"),
    **_each("rep reps representative representatives representant representante liaison", "contact"),
    # the follow-up of a finding ("Remediation lead", "Follow-up due", "État de la mesure")
    **_each("action actions remediation remediations mesure mesures milestone milestones correctif corrective "
            "correctives followup fix fixes", "action"),
    **_each("status state etat statut", "status"),
    **_each("due deadline deadlines echeance echeances", "due"),
    **_each("type types category categories categorie categories kind format method nature genre", "type"),
    "tiers": "vendor",  # French: third parties ("Tiers", "Tiers impliqués"); an English tier column says "Tier"
    **_each("tier criticality criticite priority priorite rating ratings band rag level niveau impact "
            "importance classification palier cote", "tier"),
    # an exercise held ("Date Conducted", "Held on", "Run date")
    **_each("conducted held performed run carried executed realise realisee tenu tenue", "held"),
    **_each("target targets goal goals objective objectives objectif objectifs planned expected required agreed "
            "vise visee vises cible prevu prevue convenu convenue convenus", "target"),
    **_each("actual achieved measured observed real reel reelle obtenu obtenue atteint atteinte constate "
            "constatee", "actual"),
    **_each("recovery recover restore restoration reprise retablissement recuperation delai", "rto"),
    **_each("recovered restored retabli retablie repris", "rto actual"),
    **_each("contract contracts contracted contractual contractuel contractuelle contractuels sla slas "
            "guaranteed guarantee committed commitment entente garanti garantie garantis garanties engagement "
            "engagements", "contract"),
    **_each("maximum max acceptable tolerable tolerated allowed admissible tolerance maximale maximal tolere toleree "
            "toleres tolerees acceptee accepte admise admis", "max"),
    **_each("verified verification confirmed checked validated verifie verifiee confirme confirmee valide "
            "validee validation", "verified"),
    **_each("review reviewed reviews revision revue revise revisee assessed assessment attestation "
            "attestations evaluation evalue", "review"),
    **_each("last latest derniere dernier recent", "last"),
    **_each("aware awareness connaissance", "aware"),
    **_each("reporter creator author auteur requester demandeur", "author"),
    **_each("closed close closure completed completion cloture ferme fermee complete", "closed"),
    **_each("cover covers covered couvre couverts couvertes", "covered"),
    **_each("supported supporting soutenu soutenus soutenue soutenues supporte supportes appuye appuyes appuyee "
            "appuyees desservi desservis", "supported"),
    **_each("pi pii", "personal information"),
    **_each("supplied provided fournis fournies", "provided"),
    **_each("depends depend dependency dependencies dependance dependances dependent relies prerequisite "
            "prerequisites upstream", "depends"),
    **_each("channel channels canal line lines ligne lignes pager landline radio means moyen", "channel"),
    **_each("alt alternate alternative secondary secondaire fallback", "alternate"),
    **_each("aci bia", "bia"),
    **_each("info infos information informations renseignements", "information"),
    **_each("downtime outage interruption panne", "downtime"),
    **_each("issue issues finding findings observation observations gap gaps weakness weaknesses constat "
            "constats lacune lacunes ecart ecarts deficiency deficiencies", "finding"),
}
"""Header words -> the word they stand for (several words may stand for one: "Accountable Director" and
"Service Manager" both name an owner). A header and every synonym of :data:`HEADER_SYNONYMS` are read as
the set of such words, so a header matches a synonym whatever its word order ("Date Conducted" is "date
held"), and a header that says more than a synonym ("Application / Clinical System") still matches it."""

HEADER_ACCENTED_FORMS: dict[str, str] = {"mesuré": "measured", "mesurée": "measured", "mesurés": "measured",
                                         "mesurées": "measured"}
"""Words whose accent decides their meaning, looked up before accents are folded ("mesuré": measured,
"mesure": a corrective measure)."""


def _due_phrases() -> dict[str, str]:
    """"Fix by", "Target close", "Scheduled completion": the date an action is due."""
    out: dict[str, str] = {}
    for when in ("target", "scheduled", "planned", "expected", "estimated", "forecast", "agreed", "committed"):
        for event in ("close", "closure", "completion", "complete", "resolution", "fix", "finish", "end",
                      "remediation", "implementation", "closing"):
            out[f"{when} {event}"] = "due"
            out[f"{when} {event} date"] = "due"
    for verb in ("fix", "close", "resolve", "complete", "remediate", "finish", "fixed", "closed", "resolved",
                 "completed", "done", "implement", "deliver"):
        out[f"{verb} by"] = "due"
    return out


HEADER_PHRASE_FORMS: dict[str, str] = {
    **_due_phrases(),
    "point of contact": "owner", "assigned to": "owner", "assigne a": "owner", "in charge": "owner",
    "personne ressource": "contact", "personne contact": "contact",
    "follow up": "action", "suivi de la mesure": "action", "plan d action": "action", "plan action": "action",
    "corrective action": "action", "action corrective": "action", "mesure corrective": "action",
    "recovery time": "rto", "restore time": "rto", "restoration time": "rto", "time to recover": "rto actual",
    "time to restore": "rto actual", "temps de reprise": "rto", "delai de reprise": "rto",
    "delai de retablissement": "rto", "temps de retablissement": "rto", "duree de reprise": "rto",
    "data loss": "dataloss", "data lost": "dataloss", "loss of data": "dataloss", "perte de donnees": "dataloss",
    "pertes de donnees": "dataloss",
    "third party": "vendor", "third parties": "vendor", "service provider": "vendor",
    "service providers": "vendor", "tierce partie": "vendor", "tiers parties": "vendor",
    "made aware": "aware", "became aware": "aware", "pris connaissance": "aware", "prise de connaissance": "aware",
    "business impact analysis": "bia", "analyse d impact": "bia", "analyse des consequences": "bia",
    "analyse impact": "bia", "analyse des impacts": "bia", "analyse de l impact": "bia",
    "tolerable downtime": "max downtime", "personal info": "personal information",
    "game day": "exercise", "game days": "exercise", "gameday": "exercise", "gamedays": "exercise",
    "sign off": "review", "signed off": "review", "signoff": "review", "approuve le": "review",
}
"""Phrases read as one word before the words are (``"Fix by"`` -> due, ``"Point of Contact"`` -> owner,
``"Time to recover"`` -> an achieved recovery time)."""

HEADER_STOP_WORDS: frozenset[str] = frozenset({
    "of", "the", "a", "an", "to", "in", "on", "at", "for", "by", "with", "from", "de", "du", "des", "la", "le", "les",
    "d", "l", "au", "aux", "en", "et", "and", "or", "ou", "per", "par", "sur", "is", "was", "this", "that", "its",
    "made", "has", "any", "all", "s", "e", "g", "eg", "y", "n", "if", "une", "un", "avec", "before", "avant",
    "selon", "aupres",
})
"""Words that carry no meaning of their own in a header (both the header and the synonym drop them)."""

HEADER_NEUTRAL_WORDS: frozenset[str] = frozenset({
    "key", "main", "primary", "principal", "principale", "current", "actuel", "actuelle", "overall", "general",
    "business", "it", "ti", "critical", "important", "essential", "emergency", "operations", "operation",
    "centre", "center", "eoc", "crisis", "urgence", "crise", "metier", "patient", "harm", "regulatory",
    "breach",
})
"""Words that qualify a header without changing what it names ("Key Dependencies", "Current RTO"): a header
that adds them to a synonym still matches it, at a smaller cost than an unknown word."""

HEADER_OTHER_THING_WORDS: frozenset[str] = frozenset({
    "source", "parent", "external", "original", "previous", "old", "former", "new", "next",
    "child", "sub", "date", "when", "timestamp", "count", "total", "percent", "pct", "ratio", "comment",
    "comments", "note", "notes", "remark", "remarks", "commentaire", "commentaires", "remarque", "remarques",
    "name", "title", "nom", "titre", "label", "libelle", "description", "details", "summary", "resume", "depends",
    "start", "begin", "end", "expiry", "expiration", "renewal", "debut", "fin", "amount", "cost", "expense",
})
"""Words that make a header name something else than the synonym it contains ("Weakness Source Identifier"
is not the finding's id, "Status Date" not a status, "RTO Comments" not an RTO, "Weakness Name" not a
reference to a finding): a header that adds one of them to a synonym does not match it word by word."""

HEADER_NOT_CURRENT_WORDS: frozenset[str] = frozenset({
    "obsolete", "superseded", "deprecated", "ancien", "ancienne", "anciens", "archived", "archive", "previous",
    "former", "old",
})
"""Words that make a header name an outdated column kept beside the current one ("RTO 2022 (superseded)",
"RTO 2024 (obsolète)", "Previous owner"), even in brackets: never read as the field itself."""

HEADER_ENTITY_WORDS: dict[str, EntityKind] = {
    "service": EntityKind.SERVICE, "vendor": EntityKind.VENDOR, "exercise": EntityKind.EXERCISE,
    "finding": EntityKind.FINDING, "action": EntityKind.CORRECTIVE_ACTION, "incident": EntityKind.INCIDENT,
    "plan": EntityKind.PLAN_DOCUMENT, "document": EntityKind.PLAN_DOCUMENT, "risk": EntityKind.RISK,
    "training": EntityKind.TRAINING_RECORD, "course": EntityKind.TRAINING_RECORD,
}
"""Header words (as :data:`HEADER_WORD_FORMS` leaves them) that name a kind of record: "Service ID" in a
finding log is not the finding's id, so a header that adds another kind's name to a synonym does not match
it word by word."""

_ANY_RECORD = frozenset({"item", "entry", "record", "row", "element", "fiche"})
"""Words that name a record of any register ("Item ID" in a POA&M, "Entry no")."""
HEADER_KIND_WORDS: dict[EntityKind, frozenset[str]] = {
    EntityKind.SERVICE: _ANY_RECORD | {"service", "function", "fonction", "process", "processus", "asset", "actif",
                                       "platform", "plateforme", "solution", "ict"},
    EntityKind.VENDOR: _ANY_RECORD | {"vendor", "ict", "partner", "partenaire", "outsourcer", "company",
                                      "entreprise"},
    EntityKind.EXERCISE: _ANY_RECORD | {"exercise", "test", "simulation", "scenario", "essai"},
    EntityKind.FINDING: _ANY_RECORD | {"finding", "poam", "poa", "audit"},
    EntityKind.CORRECTIVE_ACTION: _ANY_RECORD | {"action", "poam", "poa"},
    EntityKind.CONTACT: _ANY_RECORD | {"contact", "person", "personne", "member", "membre"},
    EntityKind.PLAN_DOCUMENT: _ANY_RECORD | {"plan", "document", "doc", "policy", "procedure", "runbook",
                                             "politique"},
    EntityKind.TRAINING_RECORD: _ANY_RECORD | {"training", "course", "formation", "employee", "staff"},
    EntityKind.INCIDENT: _ANY_RECORD | {"incident", "breach", "event", "ticket", "case", "atteinte", "evenement"},
    EntityKind.RISK: _ANY_RECORD | {"risk", "risque", "threat", "menace"},
    EntityKind.BACKUP_RUN: _ANY_RECORD | {"backup", "job", "sauvegarde"},
}
"""Words that name the records of a table themselves ("Function Ref" in a register of business functions,
"Sys #" in a systems BIA): the only words a header may add to an identifier or a reference synonym and still
be read as it ("Perimeter ref id" is a reference to something else)."""


# --- value vocabularies: normalised raw text -> canonical ------------------------------------------------

NOT_GIVEN_WORDS: dict[str, str] = {
    **dict.fromkeys((
        "-", "--", "---", "—", "–", "tbd", "tbc", "tba", "?", "??", "???", "unknown", "unk", "pending",
        "vacant", "(vacant)", "position vacant", "poste vacant", "a combler", "(a combler)", "to be filled",
        "unfilled", "to be appointed", "a nommer", "a designer",
        "to be confirmed", "to be determined", "to be defined", "to be advised", "not known", "not yet known",
        "not defined", "not yet defined", "undefined", "awaiting", "awaiting confirmation", "see note",
        "see notes", "see comment", "see comments", "see below", "see above", "null", "nil", "#n/a", "#value!",
        "#ref!", "do not know", "don't know", "dont know", "not sure", "a determiner", "a confirmer",
        "a definir", "a venir", "inconnu", "inconnue", "en attente", "non determine", "non defini",
        "voir note", "voir notes", "voir commentaire", "voir commentaires", "n/d", "n.d", "ne sais pas",
        "not provided", "not recorded", "not assessed", "not yet assessed", "not available",
        "unavailable", "no data", "pending confirmation",
        "awaiting vendor", "to follow", "to be scheduled", "to be planned",
        "a planifier", "a verifier", "a revoir", "a valider", "a completer", "a preciser", "a fournir",
        "a obtenir", "a documenter", "non disponible", "non connu", "non connue", "non evalue",
        "non evaluee", "en cours de validation", "en validation", "non fourni", "non fournie",
        # template prompts left in a cell the officer did not fill in
        "mm/dd/yyyy", "dd/mm/yyyy", "yyyy-mm-dd", "aaaa-mm-jj", "jj/mm/aaaa", "<date>",
        "click here to enter text", "click here to enter a date", "please select...", "please select",
        "(select)", "select", "choose an item", "choisir un element", "cliquez ici pour entrer du texte",
    ), "unknown"),
    **dict.fromkeys((
        "n/a", "na", "n.a", "n. a", "n/app", "not applicable", "non applicable", "none required",
        "not required", "s.o", "s/o", "s. o", "so", "sans objet", "ne s'applique pas", "nsp",
    ), "not_applicable"),
}
"""Cell texts that mean "not given" (compared as :func:`normalise_value` leaves them): ``unknown`` (the
answer is not known yet) or ``not_applicable`` (the officer says it does not apply). The value is then
empty, the text is kept in the record's ``raw`` and a located issue quotes it. A word that is in the
column's own vocabulary (``Pending`` as an action status) keeps that meaning."""

NOT_GIVEN_WITH_REASON = re.compile(
    r"^(?P<word>n/?a|n\.a\.?|not applicable|s\.?/?o\.?|sans objet|ne s'applique pas|tbd|tbc|tba|unknown|"
    r"pending|to be (?:confirmed|determined|defined)|inconnu|a determiner|a confirmer|en attente)"
    r"\s*(?:[-:–—(,;]|\s-\s)\s*(?P<reason>.+)$|^(?P<see>(?:see|voir)\s+(?:the\s+)?(?:notes?|comments?|"
    r"commentaires?|remarques?)\b.*)$",
    re.IGNORECASE,
)
"""``N/A - vendor dependency``, ``TBD (waiting for the vendor)``, ``see note 3``: not given, with a reason."""

NULL_MARKERS: frozenset[str] = frozenset({"", *NOT_GIVEN_WORDS, "n.a.", "click here to enter text.",
                                          "click here to enter a date.", "choose an item."})
"""Cell texts (compared in lower case) that hold no value: blank, or one of :data:`NOT_GIVEN_WORDS`.
Used where a value only decides whether a row has an identifier and for columns kept as ``extra``."""

EXTRA_BLANKS: frozenset[str] = frozenset({
    "", "-", "--", "---", "—", "–", "n/a", "na", "n.a", "n.a.", "tbd", "tbc", "unknown", "null", "nil",
    "#n/a", "?", "mm/dd/yyyy", "dd/mm/yyyy", "yyyy-mm-dd", "<date>", "click here to enter text.",
    "click here to enter a date.", "please select...", "please select", "(select)", "select", "choose an item.",
    "not applicable", "do not know", "don't know",
})
"""In a column kept as an extra attribute, texts that hold nothing worth keeping (other texts, "pending"
included, are kept as written)."""

PLACEHOLDER_PATTERN = re.compile(r"^\s*<[^<>]{1,60}>\s*$|^\s*\[[^\[\]]{1,60}\]\s*$")
"""Template placeholders such as ``<Enter Name>`` or ``[Insert date]`` (not given: unknown)."""

NEVER_WORDS: frozenset[str] = frozenset({"never", "not yet", "not done", "jamais", "pas encore", "aucune",
                                         "aucun", "none", "not tested", "not yet tested", "never tested",
                                         "jamais teste", "pas encore teste", "non teste", "not verified"})
"""In a date column: the event has not happened. No date, with a note (rules then say "never ...")."""

TIER: dict[str, str] = {
    "tier 0": "1", "tier 1": "1", "tier 2": "2", "tier 3": "3", "tier 4": "4", "tier 5": "5",
    "t1": "1", "t2": "2", "t3": "3", "t4": "4", "1": "1", "2": "2", "3": "3", "4": "4", "5": "5",
    "critical": "1", "mission critical": "1", "extreme": "1", "very high": "1", "essential": "1",
    "high": "2", "important": "2", "business critical": "2", "medium": "3", "moderate": "3",
    "normal": "3", "low": "4", "deferrable": "4", "non critical": "4", "non-critical": "4",
    "critique": "1", "tres eleve": "1", "tres elevee": "1", "vital": "1", "vitale": "1", "essentiel": "1",
    "essentielle": "1", "eleve": "2", "elevee": "2", "haut": "2", "haute": "2", "importante": "2",
    "moyen": "3", "moyenne": "3", "modere": "3", "moderee": "3", "faible": "4", "bas": "4", "basse": "4",
    "non critique": "4", "non essentiel": "4", "differable": "4",
    # colour and metal scales (a legend under the table, when there is one, settles their order)
    "red": "1", "amber": "2", "yellow": "2", "green": "3", "rouge": "1", "orange": "2", "jaune": "2", "vert": "3",
    "gold": "1", "silver": "2", "bronze": "3",
    # the mission / business critical / business operational / administrative scale
    "business operational": "3", "administrative": "4", "office productivity": "4",
}
"""Tier / criticality words -> tier number (1 = most critical); Kuali Ready uses Extreme/High/Medium/Deferrable."""

EXPLICIT_TIER = re.compile(r"\d")
"""A tier written with its number ("Tier 1", "Niveau 2") is read with confidence; a word ("High",
"Élevée") is an interpretation the import summary lists for the officer to confirm."""

BACKUP_FREQUENCY: dict[str, str] = {
    "continuous": "0 minutes", "real time": "0 minutes", "realtime": "0 minutes", "replicated": "0 minutes",
    "every 15 minutes": "15 minutes", "hourly": "1 hour", "every hour": "1 hour",
    "every 4 hours": "4 hours", "twice daily": "12 hours", "daily": "24 hours", "nightly": "24 hours",
    "every day": "24 hours", "weekly": "7 days", "every week": "7 days", "monthly": "30 days",
    "daily or more frequent": "24 hours", "daily to weekly": "7 days", "weekly to monthly": "30 days",
    "less frequent than monthly": "90 days", "quarterly": "90 days", "yearly": "365 days",
    "annually": "365 days",
    "en continu": "0 minutes", "continue": "0 minutes", "temps reel": "0 minutes", "en temps reel": "0 minutes",
    "replication": "0 minutes", "toutes les 15 minutes": "15 minutes", "horaire": "1 hour",
    "toutes les heures": "1 hour", "chaque heure": "1 hour", "toutes les 4 heures": "4 hours",
    "deux fois par jour": "12 hours", "quotidienne": "24 hours", "quotidien": "24 hours",
    "journaliere": "24 hours", "chaque jour": "24 hours", "chaque nuit": "24 hours", "hebdomadaire": "7 days",
    "chaque semaine": "7 days", "mensuelle": "30 days", "mensuel": "30 days", "trimestrielle": "90 days",
    "annuelle": "365 days",
}
"""Backup frequency words (including the Kuali Ready bands) -> the longest interval the band allows.

``not backed up`` and ``Do Not Know`` are deliberately absent: they mean 'no backup interval' and
produce an issue rather than a number."""

DURATION_WORDS: dict[str, str] = {
    "next business day": "1 business day", "next working day": "1 business day", "next day": "24 hours",
    "half a day": "12 hours", "half day": "12 hours", "half a business day": "4 hours",
    "end of day": "24 hours", "same business day": "8 hours", "one business day": "1 business day",
    "jour ouvrable suivant": "1 business day", "le jour ouvrable suivant": "1 business day",
    "lendemain": "24 hours", "le lendemain": "24 hours", "demi-journee": "12 hours", "demi journee": "12 hours",
    "une demi-journee": "12 hours", "½ journee": "12 hours", "1/2 journee": "12 hours",
    "½ jour": "12 hours", "1/2 jour": "12 hours", "½ day": "12 hours", "1/2 day": "12 hours",
}
"""Durations written in words (``Next business day``, ``½ journée``): read by judgement, listed for the officer."""

NO_BACKUP: frozenset[str] = frozenset({"not backed up", "no backup", "none", "never", "aucune", "aucune sauvegarde",
                                       "non sauvegarde", "jamais", "pas de sauvegarde"})

EXERCISE_TYPE: dict[str, str] = {
    "walkthrough": "walkthrough", "walk through": "walkthrough", "walk-through": "walkthrough",
    "checklist": "walkthrough", "plan review": "walkthrough", "orientation": "walkthrough",
    "seminar": "walkthrough", "classroom": "walkthrough", "desk check": "walkthrough",
    "structured walkthrough": "walkthrough",
    "tabletop": "tabletop", "table top": "tabletop", "table-top": "tabletop", "tabletop exercise": "tabletop",
    "ttx": "tabletop", "discussion": "tabletop", "discussion based": "tabletop",
    "simulation": "simulation", "simulated": "simulation", "drill": "simulation",
    "functional": "functional", "functional test": "functional", "technical test": "functional",
    "technical": "functional", "restore test": "functional", "parallel": "functional",
    "parallel test": "functional", "component test": "functional", "recovery test": "functional",
    "technical recovery test": "functional", "dr test": "functional", "backup restore": "functional",
    "restore": "functional", "data restore": "functional", "backup restore test": "functional",
    "failover": "failover", "fail over": "failover", "dr failover": "failover", "switchover": "failover",
    "failover test": "failover", "dr failover test": "failover",
    "full interruption": "full_interruption", "full-interruption": "full_interruption",
    "full scale": "full_interruption", "full-scale": "full_interruption", "cutover": "full_interruption",
    "revue du plan": "walkthrough", "lecture du plan": "walkthrough", "revue documentaire": "walkthrough",
    "exercice sur table": "tabletop", "exercice de table": "tabletop", "exercice theorique": "tabletop",
    "exercice de simulation": "simulation", "test technique": "functional", "test fonctionnel": "functional",
    "test de restauration": "functional", "test de reprise": "functional", "test en parallele": "functional",
    "basculement": "failover", "bascule": "failover", "test de basculement": "failover",
    "interruption complete": "full_interruption", "interruption totale": "full_interruption",
    "grandeur nature": "full_interruption", "exercice grandeur nature": "full_interruption",
}
"""Exercise type words (BCI / NIST SP 800-84 practice) -> ``ExerciseType`` value."""

EXERCISE_RESULT: dict[str, str] = {
    "passed": "passed", "pass": "passed", "success": "passed", "successful": "passed", "yes": "passed",
    "met": "passed", "achieved": "passed", "ok": "passed", "completed": "passed",
    "partially passed": "partial", "partial": "partial", "partially": "partial", "partial pass": "partial",
    "partially met": "partial", "partially successful": "partial", "pass with issues": "partial",
    "passed with issues": "partial", "passed with observations": "partial", "pass with observations": "partial",
    "successful with issues": "partial", "partially achieved": "partial", "pass w/ issues": "partial",
    "passed w/ issues": "partial", "pass with exceptions": "partial", "passed with exceptions": "partial",
    "completed with issues": "partial", "passed with minor issues": "partial", "partial success": "partial",
    "met objectives": "passed", "objectives met": "passed", "all objectives met": "passed",
    "partially met objectives": "partial", "objectives partially met": "partial",
    "objectives not met": "failed", "did not meet objectives": "failed", "not met objectives": "failed",
    "failed": "failed", "fail": "failed", "unsuccessful": "failed", "no": "failed", "not met": "failed",
    "not achieved": "failed", "did not pass": "failed",
    "reussi": "passed", "reussie": "passed", "succes": "passed", "conforme": "passed", "atteint": "passed",
    "partiel": "partial", "partielle": "partial", "partiellement reussi": "partial",
    "partiellement reussie": "partial", "reussi avec reserves": "partial", "reussi partiellement": "partial",
    "partiellement atteint": "partial",
    "echec": "failed", "echoue": "failed", "echouee": "failed", "non conforme": "failed", "non atteint": "failed",
}
"""Exercise result words -> ``ExerciseResult`` value."""

ACTION_STATUS: dict[str, str] = {
    "open": "open", "new": "open", "not started": "open", "to do": "open", "todo": "open", "ongoing": "in_progress",
    "in progress": "in_progress", "in-progress": "in_progress", "started": "in_progress", "wip": "in_progress",
    "pending": "in_progress", "delayed": "in_progress", "risk accepted": "closed",
    "closed": "closed", "done": "closed", "complete": "closed", "completed": "closed", "resolved": "closed",
    "fixed": "closed", "remediated": "closed", "overdue": "open", "late": "open", "not yet started": "open",
    "planned": "open", "on hold": "in_progress", "blocked": "in_progress", "deferred": "in_progress",
    "implemented": "closed", "verified": "closed",
    "ouvert": "open", "ouverte": "open", "nouveau": "open", "nouvelle": "open", "a faire": "open",
    "non commence": "open", "non commencee": "open", "non debute": "open", "en retard": "open",
    "en cours": "in_progress", "en attente": "in_progress", "retarde": "in_progress", "suspendu": "in_progress",
    "ferme": "closed", "fermee": "closed", "termine": "closed", "terminee": "closed",
    "completee": "closed", "resolu": "closed", "resolue": "closed", "realise": "closed", "realisee": "closed",
    "corrige": "closed", "corrigee": "closed", "risque accepte": "closed", "cloture": "closed",
    "cloturee": "closed", "clos": "closed", "close": "closed", "acheve": "closed", "achevee": "closed",
}
"""Corrective action statuses -> ``ActionStatus`` value."""

BACKUP_STATUS: dict[str, str] = {
    "success": "success", "successful": "success", "succeeded": "success", "ok": "success",
    "completed": "success", "passed": "success", "failed": "failed", "failure": "failed", "error": "failed",
    "partial": "partial", "warning": "partial", "completed with warnings": "partial",
    "succes": "success", "reussi": "success", "reussie": "success", "termine": "success", "complete": "success",
    "echec": "failed", "echoue": "failed", "erreur": "failed", "partiel": "partial", "avertissement": "partial",
    "0": "success", "1": "partial",
}
"""Backup job outcomes -> ``BackupStatus`` value."""

YES_NO: dict[str, str] = {
    "yes": "true", "y": "true", "true": "true", "1": "true", "x": "true", "✓": "true", "✔": "true",
    "oui": "true", "ja": "true", "si": "true", "sí": "true", "checked": "true", "o": "true", "vrai": "true",
    "no": "false", "n": "false", "false": "false", "0": "false", "non": "false", "nein": "false",
    "unchecked": "false", "faux": "false", "✗": "false", "✘": "false",
}
"""Yes/no answers -> ``true`` / ``false``."""

LIFECYCLE: dict[str, str] = {
    **dict.fromkeys(("active", "actif", "active service", "live", "production", "in production", "in service",
                     "operational", "en production", "en service", "operationnel", "operationnelle", "current",
                     "en exploitation", "prod", "in use", "en usage"), "active"),
    **dict.fromkeys(("retired", "retire", "retiree", "sunset", "sunsetted", "archived", "archive", "end of life",
                     "eol", "fin de vie", "obsolete", "inactive", "inactif", "inactive service", "retraite",
                     "withdrawn", "withdrawn from service", "abandonne", "abandonnee", "supprime", "supprimee"),
                    "retired"),
    **dict.fromkeys(("decommissioned", "decommissionne", "decommissionnee", "hors service", "demantele",
                     "mis hors service", "mise hors service", "retire du service", "retiree du service",
                     "removed", "shut down", "switched off", "desactive"), "decommissioned"),
    **dict.fromkeys(("planned", "proposed", "future", "prevu", "prevue", "planifie", "planifiee", "projet",
                     "en projet", "pipeline", "not started", "a venir"), "planned"),
    **dict.fromkeys(("in build", "in development", "build", "implementation", "in implementation", "being built",
                     "under construction", "en construction", "en developpement", "en implantation",
                     "en deploiement", "pilot", "pilote", "in test", "en test"), "in_build"),
}
"""Service lifecycle words -> ``Service.status``; every status but ``active`` puts the service out of scope."""

ACTIVE_LIFECYCLE = "active"

RISK_OF_HARM: dict[str, str] = {
    **dict.fromkeys(("none", "no", "nil", "no risk", "unlikely", "aucun", "aucune", "non", "nul", "nulle",
                     "aucun risque"), "none"),
    **dict.fromkeys(("low", "minor", "limited", "faible", "bas", "mineur", "limite"), "low"),
    **dict.fromkeys(("real", "real risk of significant harm", "rrosh", "significant", "significant harm",
                     "serious", "serious injury", "yes", "medium", "moderate", "reel", "serieux", "oui",
                     "risque de prejudice serieux", "prejudice serieux", "moyen", "modere"), "real"),
    **dict.fromkeys(("high", "high risk", "severe", "critical", "eleve", "elevee", "grave", "tres eleve",
                     "critique"), "high"),
}
"""Risk of harm to the people concerned -> ``none``, ``low``, ``real`` (PIPEDA real risk of significant harm,
Law 25 risk of serious injury) or ``high`` (GDPR Art. 34 high risk)."""

VOCABULARIES: dict[str, dict[str, str]] = {
    "tier": TIER,
    "backup_frequency": BACKUP_FREQUENCY,
    "exercise_type": EXERCISE_TYPE,
    "exercise_result": EXERCISE_RESULT,
    "action_status": ACTION_STATUS,
    "backup_status": BACKUP_STATUS,
    "yes_no": YES_NO,
    "lifecycle": LIFECYCLE,
    "risk_of_harm": RISK_OF_HARM,
}
"""Every value table by the name a workspace uses to extend it in ``itscm.yaml``."""

LOW_CONFIDENCE: dict[str, frozenset[str]] = {
    "backup_frequency": frozenset({"daily to weekly", "weekly to monthly", "less frequent than monthly",
                                   "daily or more frequent"}),
    "exercise_result": frozenset({"yes", "no", "ok", "completed", "achieved", "met", "not met", "atteint",
                                  "non atteint", "conforme", "non conforme"}),
    "action_status": frozenset({"risk accepted", "risque accepte", "pending", "en attente", "planned", "delayed",
                                "deferred", "on hold", "verified", "implemented"}),
    "yes_no": frozenset({"x", "1", "0", "checked", "unchecked", "si", "ja", "✓", "✔", "✗", "✘"}),
    "backup_status": frozenset({"completed", "complete", "termine", "warning", "avertissement", "0", "1"}),
    "exercise_type": frozenset({"drill", "discussion", "technical", "parallel", "checklist", "orientation",
                                "dr test", "recovery test", "test de reprise", "cutover"}),
    "lifecycle": frozenset({"pilot", "pilote", "inactive", "inactif", "future", "current", "in test", "en test"}),
    "risk_of_harm": frozenset({"yes", "oui", "no", "non", "medium", "moderate", "moyen", "modere", "significant",
                               "critical", "critique", "limited", "limite"}),
}
"""Words a table maps by judgement rather than by definition: each distinct one is a warning in the import
(with the row where it first appears) so the officer confirms or overrides it under ``vocabularies:``."""

NO_FINDING_WORDS: frozenset[str] = frozenset({
    "none", "no issue", "no issues", "no issues found", "no findings", "none identified", "nothing",
    "nothing to report", "nil", "no", "aucun", "aucune", "aucun constat", "aucun probleme", "rien",
    "rien a signaler", "ras", "neant",
})
"""In an exercise log's "Issues found" column: the exercise raised no finding."""
NO_FINDING_PATTERN = re.compile(
    r"(?:none|nil|nothing|no(?: (?:issues?|findings?|gaps?|problems?|concerns?|observations?|exceptions?|"
    r"deficienc(?:y|ies)|weakness(?:es)?))?|aucune?(?: (?:constat|probleme|ecart|lacune|anomalie)s?)?|rien|ras|neant)"
    r"(?: (?:noted|identified|found|observed|reported|raised|recorded|of note|at this time|to report|"
    r"a signaler|releve|releves|constate|constates|note|notes|identifie|identifies|observe|observes))?")
"""The same in other words ("None noted", "No gaps identified", "Aucun écart relevé"); matched whole."""

# --- rows that are not records ----------------------------------------------------------------------------

TOTAL_WORDS: frozenset[str] = frozenset({
    "total", "totals", "grand total", "sub total", "subtotal", "sub-total", "count", "sum", "average", "mean",
    "overall", "total services", "total systems", "number of services", "total count", "totaux", "sous total",
    "sous-total", "moyenne", "somme", "nombre", "nombre total", "total general", "nombre de services",
})
"""A row whose first text is one of these (alone, or followed by ":") sums the table: not a record."""

LONE_NOTE = re.compile(
    r"^(?:(?:prepared|updated|reviewed|approved|compiled|maintained|owned|signed off) by\b|"
    r"last (?:updated|reviewed|modified|revised)\b|(?:version|rev\.?|revision)\s*\d|source\b|sources\b|"
    r"notes?\b|legend\b|legende\b|key\b|footnote|disclaimer|confidential|confidentiel|page \d|"
    r"(?:prepare|mis a jour|revise|approuve) par\b|derniere mise a jour|end of (?:table|list|report)|"
    r"fin du (?:tableau|registre))",
    re.IGNORECASE,
)
"""The same kinds of lines without a colon, when they stand alone on their row ("Prepared by J. Smith")."""

NOTE_ROW = re.compile(
    r"^(?:(?:notes?|nb|n\.b|remarks?|remarques?|comments?|commentaires?|sources?|legend|legende|key|"
    r"footnotes?|disclaimer|prepared by|reviewed by|approved by|last (?:updated|reviewed)|updated|"
    r"mise a jour|prepare par|revise par|approuve par|avertissement|confidential|confidentiel|approved|"
    r"reviewed|prepared|signed(?: off)?|validated|approuve|revise|prepare|valide|signe|"
    r"(?:visa|signature|sign off|sign-off|approval|approbation)(?: [\w'’-]+){0,3})\s*[:\-–—]|"
    r"[*†‡¹²³⁴⁵⁶⁷⁸⁹]|\(\d{1,2}\)\s|\[\d{1,2}\]\s|\d{1,2}\)\s+[a-z]|.*_{4,}\s*$)",
    re.IGNORECASE,
)
"""Notes, footnotes, legends and sign-off lines written under or inside a table."""

LEGEND_ROW = re.compile(r"^\S{1,12}\s*=\s*\S.*(?:[,;]\s*\S{1,12}\s*=\s*\S)", re.IGNORECASE)
"""``Y = yes, N = no``; ``T1 = critical; T2 = important``: a legend, not a record."""

BAND_ROW = re.compile(
    r"\b(?:tiers?|services|systems|applications|processes|assets|section|category|categorie|group|groupe|"
    r"niveau|palier|paliers|systemes|processus|actifs|priority|priorite|criticality|criticite|other services|"
    r"autres services|teams?|equipes?|cellules?|committees?|comites?|on call|de garde|suppliers|vendors|"
    r"providers|fournisseurs|prestataires|partners|partenaires|departments?|directions?|divisions?|sites?|"
    r"regions?)\b",
    re.IGNORECASE,
)
"""A lone cell naming a section ("Tier 1 services", "Applications critiques"): a band over the rows below."""

COUNT_NOUNS: frozenset[str] = frozenset({
    "services", "systems", "applications", "apps", "assets", "processes", "functions", "suppliers", "vendors",
    "providers", "third parties", "exercises", "tests", "drills", "incidents", "breaches", "findings", "actions",
    "items", "open items", "contacts", "people", "persons", "staff", "employees", "members", "plans", "documents",
    "risks", "jobs", "runs", "backups", "rows", "records", "entries", "lines", "courses", "records in total",
    "fournisseurs", "prestataires", "systemes", "exercices", "essais", "constats", "mesures", "personnes",
    "employes", "membres", "risques", "sauvegardes", "lignes", "entrees", "elements", "dossiers", "processus",
    "actifs", "incidents de confidentialite", "services essentiels", "game days", "sessions", "violations",
    "atteintes", "formations", "seances", "tabletops", "failovers", "restores", "simulations",
})
"""What a register counts in a count line under it ("5 suppliers listed", "7 staff", "5 fournisseurs")."""

COUNT_WORDS: frozenset[str] = frozenset({
    "listed", "in total", "total", "recorded", "found", "in scope", "shown", "au total", "inscrits", "inscrites",
    "listes", "listees", "recenses", "recensees", "en tout", "au registre",
})
"""Words after a count and its noun that make the line a count ("5 suppliers listed", "11 services au total")."""

SIGN_OFF_VERBS = (
    "reviewed", "prepared", "approved", "updated", "maintained", "compiled", "signed off", "signed", "verified",
    "checked", "validated", "owned", "certified", "confirmed", "revise", "revisee", "approuve", "approuvee",
    "prepare", "preparee", "verifie", "verifiee", "mis a jour", "mise a jour", "tenu", "tenue", "valide", "validee",
)
SIGN_OFF = re.compile(r"^(?:[\w'’&/-]+\s+){0,4}(?:" + "|".join(SIGN_OFF_VERBS) + r")\s+(?:by|par)\b", re.IGNORECASE)
"""A sign-off line under a register ("Register reviewed by Head of OpRes 2026-10-01", "Liste approuvée par
la DG"), compared without accents."""


def merged_vocabularies(extra: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The shipped tables with the workspace's entries on top (workspace wins), keys normalised."""
    tables = {name: {normalise_value(k): v for k, v in table.items()} for name, table in VOCABULARIES.items()}
    for name, entries in extra.items():
        tables.setdefault(name, {}).update({normalise_value(k): str(v) for k, v in entries.items()})
    return tables
