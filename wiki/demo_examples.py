"""Demo content: learning examples (lärande exempel) for the county group in Dalarna.

All organisations' practices, figures, mailboxes and evaluations below are invented
for demonstration purposes. No real person is named and no victim is identified;
people appear only as invented roles ("en socialsekreterare", "en kurator").

Run this module directly to self-check the data against the domain vocabularies:

    python3 wiki/demo_examples.py
"""

from __future__ import annotations

EXAMPLES: list[dict] = [
    # 1
    {
        "title": "Gemensam riskbedömning med SARA och PATRIARK mellan polis och socialtjänst",
        "summary": (
            "Polisen och socialtjänsten i Borlänge och Falun gör sedan 2019 gemensamma, "
            "strukturerade riskbedömningar med SARA och PATRIARK och tar fram en gemensam "
            "skyddsplan inom fem arbetsdagar efter polisanmälan. Tiden från anmälan till "
            "skyddsplan har halverats."
        ),
        "body": """## Bakgrund

Under 2018 konstaterade polisen och socialtjänsten i Borlänge och Falun att de ofta gjorde var sin riskbedömning i samma ärende utan att känna till varandras slutsatser. En kvinna kunde bedömas ha förhöjd risk hos polisen medan socialtjänsten samtidigt planerade umgänge för barnen utifrån en helt annan bild. I ärenden med hedersrelaterat våld saknades dessutom ett gemensamt språk för att beskriva hot från flera förövare.

## Vad gjordes

Från 2019 använder polisens brottsofferhandläggare och socialtjänstens kvinnofridsteam samma strukturerade bedömningsinstrument: SARA för våld i nära relation och PATRIARK för hedersrelaterat våld. Rutinen innehåller:

- en gemensam blankett för samtycke så att information kan delas inom sekretessens ramar,
- ett samrådsmöte inom fem arbetsdagar efter polisanmälan,
- en gemensam skyddsplan med en ansvarig kontaktperson hos varje part,
- omprövning av bedömningen vid förändrade omständigheter, till exempel frigivning eller ny adress.

Samtliga handläggare har gått två dagars metodutbildning och deltar i gemensam handledning fyra gånger per år. När barn berörs kopplas Barnahus in enligt [[konsultationsmodell-pa-barnahus-dalarna-for-tidigt-samrad-om-vald-mot-barn]].

## Resultat

Antalet gemensamma bedömningar har ökat stadigt:

| År | Gemensamma bedömningar | Varav PATRIARK | Skyddsplaner |
| --- | --- | --- | --- |
| 2019 | 38 | 4 | 21 |
| 2021 | 71 | 9 | 52 |
| 2023 | 94 | 13 | 77 |

En extern utvärdering 2022 visade att handläggarna upplever färre motstridiga beslut och att tiden från anmälan till skyddsplan halverades. Underlaget till uppföljningen kommer delvis från [[lansgemensam-datainsamling-om-vald-i-nara-relation-med-hogskolan-dalarna]].

## Framgångsfaktorer

Ledningens tydliga uppdrag, en utsedd samordnare hos varje part och ett enkelt samtyckesformulär var avgörande. Den gemensamma utbildningen skapade förtroende mellan yrkesgrupperna, och fasta mötestider gjorde att samråden inte föll bort vid hög arbetsbelastning.

## Överförbarhet

Modellen kräver ingen särskild budget utöver utbildning och arbetstid. Mindre kommuner kan införa den genom att flera kommuner delar en samrådsgrupp med lokalpolisområdet. Det viktigaste är att parterna kommer överens om instrument, tidsgränser och vem som äger skyddsplanen.
""",
        "organisations": ["polismyndigheten", "borlange-kommun", "falu-kommun"],
        "municipalities": ["Borlänge", "Falun"],
        "violence_forms": ["nara-relation", "hedersrelaterat"],
        "goals": ["upptackt-skydd-stod", "brottsbekampning"],
        "target_groups": ["våldsutsatta kvinnor", "barn"],
        "measure_types": ["riskbedomning", "samverkan"],
        "evaluation": "utvarderad",
        "period": {"start_year": 2019, "end_year": None},
        "contact": "riskbedomning.dalarna@polisen.example",
        "tags": ["riskbedömning", "sara", "patriark", "skyddsplan"],
        "publish": True,
        "author": "erik.holm",
    },
    # 2
    {
        "title": "Kvinnofridsmottagning med rutinfrågor om våld i hälso- och sjukvården",
        "summary": (
            "Region Dalarna driver en kvinnofridsmottagning i Falun och Mora och har infört "
            "rutinfrågor om våld i mödrahälsovård, psykiatri, ungdomsmottagning och akutsjukvård. "
            "Andelen enheter som frågar rutinmässigt har ökat från 35 till 81 procent."
        ),
        "body": """## Bakgrund

Många kvinnor som utsatts för våld söker vård för symtom som huvudvärk, sömnproblem eller smärta utan att våldet kommer fram. Region Dalarna saknade länge en samlad rutin för att fråga om våld och en tydlig väg vidare när en patient berättade. I en enkät uppgav personalen att de var osäkra på vad de skulle göra med svaret.

## Vad gjordes

År 2018 öppnades en kvinnofridsmottagning vid lasarettet i Falun, och 2020 tillkom en mottagning i Mora. Mottagningen bemannas av kuratorer och en barnmorska med särskild kompetens om våld i nära relation och sexualiserat våld. Samtidigt infördes rutinfrågor om våld inom mödrahälsovård, ungdomsmottagning, psykiatri och akutmottagning.

Arbetet består av tre delar:

- rutinmässiga frågor om våld med stöd av en gemensam frågemall i journalsystemet,
- konsultation till personal som behöver råd i enskilda ärenden,
- stödsamtal, dokumentation av skador och samordning med socialtjänst och kvinnojour.

Insatserna mot könsstympning har utvecklats i ett eget spår, se [[forebyggande-arbete-mot-konsstympning-inom-modrahalsovarden]].

## Resultat

| År | Remisser till mottagningen | Konsultationer till personal | Andel enheter som frågar rutinmässigt |
| --- | --- | --- | --- |
| 2019 | 112 | 64 | 35 % |
| 2021 | 187 | 140 | 58 % |
| 2024 | 241 | 203 | 81 % |

Uppföljningen visar att fler patienter får stöd tidigt och att skadedokumentationen har blivit mer användbar i rättsprocessen. Personalen anger i återkommande enkäter att de känner sig tryggare att ställa frågan.

## Framgångsfaktorer

- Frågemallen är inbyggd i journalen och tar mindre än två minuter.
- Varje enhet har ett kvinnofridsombud som får fördjupad utbildning.
- Mottagningen är lätt att nå via en direkt remissväg och ett funktionsnummer.

## Överförbarhet

Modellen kan användas i andra regioner, men den förutsätter att rutinfrågor och stödfunktion införs samtidigt. Att bara införa frågor utan någon som tar emot svaren skapar osäkerhet hos personalen och kan i värsta fall skada patientens förtroende för vården.
""",
        "organisations": ["region-dalarna"],
        "municipalities": ["Falun", "Mora"],
        "violence_forms": ["nara-relation", "prostitution-sexualiserat"],
        "goals": ["upptackt-skydd-stod", "kunskap-metod"],
        "target_groups": ["våldsutsatta kvinnor", "yrkesverksamma"],
        "measure_types": ["stod", "utbildning"],
        "evaluation": "uppfoljd",
        "period": {"start_year": 2018, "end_year": None},
        "contact": "kvinnofridsmottagningen@regiondalarna.example",
        "tags": ["kvinnofridsmottagning", "rutinfrågor", "hälso- och sjukvård"],
        "publish": True,
        "author": "sara.berg",
    },
    # 3
    {
        "title": "Länsgemensam grundutbildning i kvinnofridsarbete för kommunernas personal",
        "summary": (
            "Länsstyrelsen Dalarna tog tillsammans med Region Dalarna och Högskolan Dalarna fram "
            "en grundutbildning i tre steg om mäns våld mot kvinnor och hedersrelaterat våld. "
            "Till och med 2022 hade alla femton kommuner deltagit och drygt 3 000 medarbetare utbildats."
        ),
        "body": """## Bakgrund

En kartläggning som Länsstyrelsen Dalarna gjorde 2015 visade stora skillnader mellan länets femton kommuner i vilken kunskap personalen hade om mäns våld mot kvinnor. I flera mindre kommuner hade ingen inom äldreomsorg, skola eller LSS-verksamhet fått någon utbildning alls, trots att de möter våldsutsatta i vardagen.

## Vad gjordes

Länsstyrelsen tog fram en grundutbildning i tre steg tillsammans med Region Dalarna och Högskolan Dalarna:

- en webbaserad introduktion på cirka två timmar om våldets mekanismer, hedersrelaterat våld och förtryck samt anmälningsplikt,
- en lärarledd halvdag i den egna kommunen med fallövningar anpassade efter verksamheten,
- en uppföljande träff efter sex månader där arbetsplatserna redovisade vilka rutiner de infört.

Utbildningen leddes av ett nätverk av lokala utbildare som själva fick en utbildning på fyra dagar. Varje kommun utsåg minst två utbildare, vilket gjorde att kunskapen stannade kvar efter projekttiden.

## Resultat

| År | Deltagande kommuner | Utbildade medarbetare | Nya lokala utbildare |
| --- | --- | --- | --- |
| 2017 | 6 | 420 | 14 |
| 2019 | 11 | 1350 | 26 |
| 2022 | 15 | 3100 | 41 |

Uppföljningen visade att andelen arbetsplatser med en skriftlig rutin för att agera vid misstanke om våld ökade från ungefär en tredjedel till tre fjärdedelar. Flera kommuner byggde vidare med metodstöd för att ställa frågor om våld, bland annat [[vaga-fraga-fragor-om-vald-i-socialtjanstens-ekonomiska-bistand]].

## Framgångsfaktorer

Kombinationen av webbkurs och lokal träff gjorde utbildningen tillgänglig även för personal som arbetar kvällar och helger. De lokala utbildarna kände verksamheterna och kunde ge exempel som deltagarna kände igen. Länsstyrelsens samordning gjorde att materialet hölls gemensamt och uppdaterat för hela länet.

## Överförbarhet

Materialet kan användas av andra län efter anpassning till lokala kontaktvägar. Ett nätverk av lokala utbildare kräver dock att arbetsgivarna avsätter tid varje år, annars tunnas kompetensen ut när personal slutar. Det är också en fördel att koppla utbildningen till kommunens egna handlingsplaner för kvinnofridsarbetet.
""",
        "organisations": ["lansstyrelsen-dalarna", "region-dalarna", "hogskolan-dalarna"],
        "municipalities": [],
        "violence_forms": ["nara-relation", "hedersrelaterat"],
        "goals": ["kunskap-metod"],
        "target_groups": ["yrkesverksamma"],
        "measure_types": ["utbildning"],
        "evaluation": "uppfoljd",
        "period": {"start_year": 2016, "end_year": 2022},
        "contact": "kvinnofrid@lansstyrelsen-dalarna.example",
        "tags": ["utbildning", "kvinnofridsarbete", "kommuner"],
        "publish": True,
        "author": "eva.strand",
    },
    # 4 (draft)
    {
        "title": "Behandlingsprogram för våldsutövare i nära relation inom anstalt och frivård",
        "summary": (
            "Kriminalvården erbjuder män som dömts för våld mot en partner ett strukturerat "
            "behandlingsprogram i anstalt och frivård, med riskbedömning, partnerkontakt och "
            "överlämning till kommunen inför frigivning. Omkring 70 procent av deltagarna fullföljer programmet."
        ),
        "body": """## Bakgrund

Kriminalvården i Dalarna möter varje år män som dömts för brott mot en nuvarande eller tidigare partner. Många av dem återvänder till samma relation eller inleder nya relationer efter verkställigheten. Tidigare avslutades kontakten ofta när straffet var avtjänat, utan att socialtjänsten i hemkommunen kände till behovet av fortsatt behandling.

## Vad gjordes

Sedan 2015 erbjuds ett strukturerat behandlingsprogram för våldsutövare både i anstalt och inom frivården i Falun. Programmet omfattar ett tjugotal gruppsessioner och ett antal enskilda samtal. Innehållet bygger på kognitiv beteendeterapi och handlar om kontrollerande beteenden, ansvarstagande, konfliktlösning och barnens perspektiv.

Viktiga delar i arbetet är:

- en strukturerad riskbedömning före, under och efter programmet,
- kontakt med den våldsutsatta partnern via en särskild partnerkontakt, om hon önskar det,
- överlämning till kommunens verksamhet för våldsutövare inför frigivning,
- gemensam planering med socialtjänsten när det finns barn i familjen.

## Resultat

Sedan starten har omkring 190 män påbörjat programmet och cirka 70 procent har fullföljt det. En utvärdering 2021 jämförde deltagarna med en matchad grupp och fann färre lagförda våldsbrott mot partner inom två år efter avslutad verkställighet. Resultaten bör tolkas försiktigt eftersom gruppen är liten och många brott aldrig anmäls.

Partnerkontakten har visat sig särskilt värdefull. Flera kvinnor har fått information om programmet och om stödet i sin kommun som de annars inte hade fått.

## Framgångsfaktorer

Programmet fungerar bäst när det finns en tydlig överlämning till kommunen. Att riskbedömningen delas med socialtjänsten, med den dömdes samtycke eller enligt gällande sekretessregler, gör att skyddet för kvinnan och barnen kan planeras i tid. Gruppledarna får regelbunden handledning, vilket minskar risken att de dras med i deltagarnas bortförklaringar.

## Överförbarhet

Kommuner kan inspireras av strukturen även i öppenvård, till exempel genom att erbjuda partnerkontakt och gemensam planering med frivården. Arbetet med våldsutövare ska alltid ses som en del av skyddet för den våldsutsatta och aldrig ersätta stödet till henne. Erfarenheterna av delade riskbedömningar används även i [[gemensam-riskbedomning-med-sara-och-patriark-mellan-polis-och-socialtjanst]].
""",
        "organisations": ["kriminalvarden", "falu-kommun"],
        "municipalities": ["Falun"],
        "violence_forms": ["nara-relation"],
        "goals": ["brottsbekampning", "forebyggande"],
        "target_groups": ["våldsutövare"],
        "measure_types": ["behandling", "riskbedomning"],
        "evaluation": "utvarderad",
        "period": {"start_year": 2015, "end_year": None},
        "contact": "frivard.falun@kriminalvarden.example",
        "tags": ["behandling", "våldsutövare", "återfall", "frivård"],
        "publish": False,
        "author": "peter.sjoberg",
    },
    # 5
    {
        "title": "Konsultationsmodell på Barnahus Dalarna för tidigt samråd om våld mot barn",
        "summary": (
            "Barnahus Dalarna erbjuder alla yrkesverksamma i länet en gemensam konsultationslinje "
            "där socialtjänst, polis, åklagare och barn- och ungdomspsykiatri ger råd vid misstanke "
            "om våld eller sexuella övergrepp mot barn. Tiden från anmälan till barnförhör har kortats."
        ),
        "body": """## Bakgrund

När en förskola, skola eller socialtjänst misstänker att ett barn utsatts för våld eller sexuella övergrepp är det ofta oklart om det ska polisanmälas direkt, hur barnet ska skyddas och vem som ska prata med föräldrarna. Felaktiga steg tidigt i ett ärende kan försvåra både utredningen och barnets möjlighet till stöd.

## Vad gjordes

Barnahus Dalarna införde 2017 en konsultationsmodell där alla yrkesverksamma i länet kan ringa en gemensam konsultationslinje. Varje vardag finns en samrådsgrupp med företrädare för socialtjänst, polis, åklagare och barn- och ungdomspsykiatri som tar emot konsultationer.

Modellen består av:

- avidentifierade konsultationer där den som ringer får råd om anmälan och nästa steg,
- gemensamma samråd inom 24 timmar när ett ärende har anmälts,
- planering av barnförhör, läkarundersökning och krisstöd på ett och samma ställe,
- uppföljning av att barnet och den icke våldsutövande föräldern erbjuds stöd.

## Resultat

| År | Konsultationer | Samråd i anmälda ärenden | Barn som fått krisstöd |
| --- | --- | --- | --- |
| 2018 | 146 | 210 | 88 |
| 2020 | 233 | 265 | 131 |
| 2023 | 318 | 302 | 176 |

Uppföljningen visar att tiden från anmälan till barnförhör har kortats och att färre barn behöver berätta om samma händelse för flera personer. Skolor och förskolor i länets mindre kommuner använder konsultationslinjen allt oftare, vilket tyder på att tröskeln för att fråga har sänkts.

## Framgångsfaktorer

En enda ingång gör det enkelt för personal att söka råd. Att åklagare och polis deltar redan i konsultationen gör att bevisfrågor beaktas från början. Barnahus har också lagt tid på att besöka kommunernas verksamheter och berätta hur konsultationen går till, vilket har skapat förtroende.

## Överförbarhet

Modellen är lätt att överföra till andra barnahus och kräver främst att myndigheterna avsätter fasta tider för samråd. Den samverkar väl med riskbedömningar för vuxna, se [[gemensam-riskbedomning-med-sara-och-patriark-mellan-polis-och-socialtjanst]]. I län med långa avstånd kan samråden med fördel hållas digitalt.
""",
        "organisations": ["barnahus-dalarna", "polismyndigheten", "aklagarkammaren-falun"],
        "municipalities": [],
        "violence_forms": ["nara-relation", "prostitution-sexualiserat"],
        "goals": ["upptackt-skydd-stod", "brottsbekampning"],
        "target_groups": ["barn", "yrkesverksamma"],
        "measure_types": ["samverkan", "stod"],
        "evaluation": "uppfoljd",
        "period": {"start_year": 2017, "end_year": None},
        "contact": "konsultation@barnahus-dalarna.example",
        "tags": ["barnahus", "konsultation", "barnförhör"],
        "publish": True,
        "author": "nora.dahl",
    },
    # 6
    {
        "title": "Skolsamverkan mot hedersrelaterat våld och barnäktenskap i Ludvika",
        "summary": (
            "Ludvika och Smedjebacken arbetar tillsammans med Rädda Barnen Dalarna mot hedersrelaterat "
            "våld och förtryck i skolan, med personalutbildning, en kort handlingsplan inför lov och "
            "samtalsgrupper för elever i årskurs 8."
        ),
        "body": """## Bakgrund

Elevhälsan vid två högstadieskolor i Ludvika uppmärksammade under 2020 flera elever som berättade om starka begränsningar i vardagen, oro för att bli bortgifta under sommarlovet och krav på att inte delta i idrott eller skolresor. Personalen var osäker på hur de skulle agera och rädd för att en orosanmälan skulle förvärra situationen för eleven.

## Vad gjordes

Ludvika kommun startade 2021 ett samarbete mellan skola, socialtjänst och Rädda Barnen Dalarna, och Smedjebackens kommun anslöt året därpå. Arbetet har tre delar:

- utbildning för all personal inom elevhälsan om hedersrelaterat våld och förtryck, barnäktenskap, tvångsäktenskap och könsstympning,
- en gemensam handlingsplan för skolan med tydliga steg vid oro inför lov och utlandsresor,
- samtalsgrupper för elever i årskurs 8 om rättigheter, relationer och var man kan få stöd.

Samtalsgrupperna leds av en kurator tillsammans med en ungdomsledare från Rädda Barnen. Föräldrar bjuds in till informationsträffar med tolk, där lagstiftningen om barnäktenskap och socialtjänstens stöd förklaras.

## Resultat

Arbetet har inte utvärderats, men skolorna rapporterar att personalen konsulterar socialtjänsten tidigare och oftare. Under läsåret 2022/23 gjordes elva konsultationer före sommarlovet, jämfört med två läsåret innan. Några elever har själva sökt kontakt med kuratorn efter samtalsgrupperna. Flera föräldrar har berättat att informationsträffarna var första gången någon förklarade svensk lag för dem.

## Framgångsfaktorer

Ett tydligt stöd från skolledningen och en namngiven funktion inom socialtjänsten var avgörande. Att en ideell organisation deltar gör det lättare för unga att ta kontakt. Handlingsplanen hålls kort, högst två sidor, så att den faktiskt används.

## Överförbarhet

Handlingsplanen och samtalsmaterialet kan användas av andra skolor i länet. Regionens arbete mot könsstympning, se [[forebyggande-arbete-mot-konsstympning-inom-modrahalsovarden]], kompletterar skolans arbete. Kommuner som vill starta ett liknande samarbete bör planera för en utvärdering från början, eftersom det är svårt att mäta förebyggande effekter i efterhand.
""",
        "organisations": ["ludvika-kommun", "radda-barnen-dalarna", "smedjebackens-kommun"],
        "municipalities": ["Ludvika", "Smedjebacken"],
        "violence_forms": ["hedersrelaterat"],
        "goals": ["forebyggande", "upptackt-skydd-stod"],
        "target_groups": ["unga", "yrkesverksamma"],
        "measure_types": ["forebyggande-insats", "utbildning"],
        "evaluation": "ej-utvarderad",
        "period": {"start_year": 2021, "end_year": None},
        "contact": "trygg.skola@ludvika.example",
        "tags": ["heder", "barnäktenskap", "skola"],
        "publish": True,
        "author": "amina.yusuf",
    },
    # 7
    {
        "title": "Uppsökande arbete för personer som säljer sex via annonssajter",
        "summary": (
            "Socialtjänsten i Borlänge når personer som säljer sex via annonser på nätet med "
            "språkanpassade meddelanden och erbjuder stöd, vård och skyddat boende i samarbete med "
            "polisen och kvinnojourerna. Omkring 60 personer har tagit emot stöd."
        ),
        "body": """## Bakgrund

Försäljning av sexuella tjänster i Dalarna sker i dag nästan helt via annonssajter och sociala medier. Socialtjänsten i Borlänge hade få kontakter med personer som säljer sex, och polisens underrättelser tydde på att en del av annonserna gällde kvinnor som flyttades mellan orter och kunde vara utsatta för människohandel.

## Vad gjordes

År 2020 inledde Borlänge kommun ett uppsökande arbete tillsammans med polisen och kvinnojourerna. Två socialsekreterare med särskild utbildning går regelbundet igenom annonser som rör Borlänge och Falun och skickar ett kort meddelande med erbjudande om stöd. Meddelandet finns på svenska, engelska, rumänska och spanska.

Stödet omfattar bland annat:

- samtal med socialsekreterare, med möjlighet att vara anonym,
- hjälp att komma i kontakt med hälso- och sjukvården, till exempel för provtagning,
- skyddat boende via kvinnojouren vid hot eller våld,
- information om rättigheter för den som kan vara utsatt för människohandel.

Polisen ansvarar för den brottsbekämpande delen och får uppgifter endast när den som tar emot stödet samtycker eller när det finns en skyldighet att lämna uppgifter.

## Resultat

Under de fyra första åren skickades drygt 1100 meddelanden. Omkring 140 personer svarade och ungefär 60 tog emot stöd i någon form. Ett tiotal ärenden ledde till utredning om koppleri eller människohandel. Uppföljningen visar också att kontakten ofta kommer först efter flera meddelanden, vilket talar för uthållighet.

## Framgångsfaktorer

Tydlig rollfördelning mellan socialtjänst och polis är avgörande för att förtroendet ska bestå. Språkanpassade meddelanden och möjligheten att vara anonym sänker tröskeln. Samarbetet med kvinnojourerna gör att akut skydd kan ordnas snabbt, på liknande sätt som i [[samverkan-mellan-kvinnojouren-och-brottsofferjouren-under-rattsprocessen]].

## Överförbarhet

Arbetssättet kan användas i andra kommuner, gärna i samverkan mellan flera mindre kommuner eftersom annonserna ofta gäller flera orter. Personalen behöver utbildning om människohandel och tillgång till tolk, och arbetet bör ha en stabil finansiering eftersom förtroende tar tid att bygga.
""",
        "organisations": ["borlange-kommun", "polismyndigheten", "kvinnojourerna-i-dalarna"],
        "municipalities": ["Borlänge", "Falun"],
        "violence_forms": ["prostitution-sexualiserat"],
        "goals": ["upptackt-skydd-stod", "brottsbekampning"],
        "target_groups": ["personer som säljer sex", "våldsutsatta kvinnor"],
        "measure_types": ["stod", "information"],
        "evaluation": "uppfoljd",
        "period": {"start_year": 2020, "end_year": None},
        "contact": "uppsokande@borlange.example",
        "tags": ["prostitution", "människohandel", "uppsökande arbete"],
        "publish": True,
        "author": "ali.hassan",
    },
    # 8 (draft)
    {
        "title": "Grannkampanj för civilkurage mot våld i hyreshus i Falun",
        "summary": (
            "En kampanj i Huskurage-anda där Falu kommun, det kommunala bostadsbolaget och "
            "Brottsofferjouren Dalarna uppmuntrar grannar att agera säkert när de misstänker våld "
            "i en lägenhet. Kampanjen har nått omkring 2 400 hushåll men är ännu inte utvärderad."
        ),
        "body": """## Bakgrund

Grannar är ofta de första som hör när våld pågår i en lägenhet, men många är osäkra på om de ska ingripa och hur. I en trygghetsenkät som Falu kommun genomförde i två bostadsområden svarade en majoritet att de skulle vilja agera om de hörde våld, men att de inte visste vad som var lämpligt eller säkert för dem själva.

## Vad gjordes

Hösten 2023 startade Falu kommun en grannkampanj inspirerad av Huskurage tillsammans med det kommunala bostadsbolaget och Brottsofferjouren Dalarna. Kampanjen uppmuntrar boende att visa civilkurage på ett säkert sätt.

Kampanjen innehåller:

- affischer i trapphus med tre enkla steg: knacka på, fråga om allt är okej, ring 112 vid akut fara,
- informationsblad till hushållen på flera språk,
- utbildning för fastighetsvärdar och bovärdar om tecken på våld och om vilket stöd som finns,
- kvällsträffar i bostadsområdena där brottsofferjouren och socialtjänsten berättar om sin verksamhet.

Bostadsbolaget har dessutom infört en rutin där personalen kontaktar socialtjänsten när de misstänker att en hyresgäst utsätts för våld.

## Resultat

Kampanjen har ännu inte utvärderats. Hittills har cirka 2400 hushåll nåtts av informationen och ett sextiotal fastighetsvärdar har utbildats. Bostadsbolaget har gjort ett antal kontakter med socialtjänsten utifrån den nya rutinen, och brottsofferjouren uppger att fler grannar hör av sig för att få råd om hur de kan hjälpa. En uppföljande trygghetsenkät planeras.

## Framgångsfaktorer

Att bostadsbolaget äger kampanjen tillsammans med kommunen gör att budskapet når fram där människor bor. Budskapet är kort och konkret och betonar att ingen ska sätta sig själv i fara. Utbildade fastighetsvärdar blir en länk mellan de boende och stödet.

## Överförbarhet

Kampanjen är billig att genomföra och kan enkelt användas i andra kommuner med allmännyttiga bostadsbolag. Det är viktigt att stödverksamheterna är förberedda på fler kontakter innan kampanjen startar. Kampanjen kan kombineras med utbildning av kommunens personal, se [[lansgemensam-grundutbildning-i-kvinnofridsarbete-for-kommunernas-personal]].
""",
        "organisations": ["falu-kommun", "brottsofferjouren-dalarna"],
        "municipalities": ["Falun"],
        "violence_forms": ["nara-relation"],
        "goals": ["forebyggande"],
        "target_groups": ["allmänheten"],
        "measure_types": ["information", "forebyggande-insats"],
        "evaluation": "ej-utvarderad",
        "period": {"start_year": 2023, "end_year": None},
        "contact": "grannkampanj@falun.example",
        "tags": ["civilkurage", "grannar", "kampanj"],
        "publish": False,
        "author": "maja.lind",
    },
    # 9
    {
        "title": "Våga fråga – frågor om våld i socialtjänstens ekonomiska bistånd",
        "summary": (
            "Mora, Orsa och Älvdalen införde 2019 rutinmässiga frågor om våld till alla som söker "
            "ekonomiskt bistånd, med utbildning, stödkort och snabb kontakt med ett gemensamt "
            "kvinnofridsteam. Andelen ärenden där våld dokumenterats ökade tydligt."
        ),
        "body": """## Bakgrund

Socialtjänsten i Mora, Orsa och Älvdalen såg att våld i nära relation sällan kom fram i ärenden om ekonomiskt bistånd, trots att ekonomiskt våld och beroende ofta hindrar kvinnor från att lämna en våldsam relation. Handläggarna frågade sällan om våld, bland annat av rädsla för att väcka något de inte kunde hantera.

## Vad gjordes

Under 2019 införde de tre kommunerna arbetssättet Våga fråga inom ekonomiskt bistånd. Alla sökande som är över 18 år får frågor om våld vid nybesök och vid årlig uppföljning, och frågan ställs alltid enskilt utan partner eller barn i rummet.

Införandet omfattade:

- en heldagsutbildning för alla handläggare om våldets uttryck, inklusive ekonomiskt våld,
- en kort frågemall och ett stödkort med kontaktvägar till kvinnofridsteamet,
- en tolkrutin som säkerställer att tolken inte har koppling till den sökandes familj,
- månatliga ärendedragningar där handläggare kunde diskutera svåra situationer.

Den som berättar om våld erbjuds ett samtal med kvinnofridsteamet samma vecka, och handläggaren kan skyndsamt bevilja bistånd till egen bostad eller skyddat boende.

## Resultat

En utvärdering 2023 visade att andelen ärenden där våld dokumenterats ökade från under två procent till drygt sju procent. De flesta sökande som fick frågan tyckte att det var rimligt att bli tillfrågad, och ingen beskrev frågan som kränkande. Handläggarna kände sig tryggare när det fanns en tydlig väg vidare.

## Framgångsfaktorer

- Frågan ställs till alla, vilket minskar risken att vissa grupper pekas ut.
- Kvinnofridsteamet finns nära och kan ta över snabbt.
- Cheferna följer upp att frågan faktiskt ställs.

## Överförbarhet

Arbetssättet kan föras över till andra delar av socialtjänsten, till exempel missbruksvård och äldreomsorg. För små kommuner är ett gemensamt kvinnofridsteam en förutsättning. Metoden kräver grundläggande kunskap hos personalen, vilket länet har byggt upp genom [[lansgemensam-grundutbildning-i-kvinnofridsarbete-for-kommunernas-personal]]. Hälso- och sjukvården använder ett liknande arbetssätt, se [[kvinnofridsmottagning-med-rutinfragor-om-vald-i-halso-och-sjukvarden]].
""",
        "organisations": ["mora-kommun", "orsa-kommun", "alvdalens-kommun"],
        "municipalities": ["Mora", "Orsa", "Älvdalen"],
        "violence_forms": ["nara-relation"],
        "goals": ["upptackt-skydd-stod", "kunskap-metod"],
        "target_groups": ["våldsutsatta kvinnor", "yrkesverksamma"],
        "measure_types": ["utbildning", "stod"],
        "evaluation": "utvarderad",
        "period": {"start_year": 2019, "end_year": 2023},
        "contact": "kvinnofridsteamet@mora.example",
        "tags": ["våga fråga", "socialtjänst", "ekonomiskt våld"],
        "publish": True,
        "author": "eva.strand",
    },
    # 10
    {
        "title": "Samverkan mellan kvinnojouren och brottsofferjouren under rättsprocessen",
        "summary": (
            "Kvinnojourerna och Brottsofferjouren Dalarna samordnar sedan 2017 sitt stöd till kvinnor "
            "som anmält våld eller sexualbrott i Avesta, Hedemora och Säter, med förberedande "
            "tingsrättsbesök och stödperson i rättssalen."
        ),
        "body": """## Bakgrund

Kvinnor som polisanmäler våld eller sexualbrott möter ofta en lång och påfrestande rättsprocess. I södra Dalarna hade både kvinnojouren och brottsofferjouren kontakt med samma kvinnor, men utan samordning. Kvinnor fick ibland berätta sin historia flera gånger och visste inte vem som skulle följa med till rättegången.

## Vad gjordes

År 2017 tecknade kvinnojourerna och Brottsofferjouren Dalarna en överenskommelse om samverkan kring stöd under rättsprocessen i Avesta, Hedemora och Säter. Kvinnojouren står för det långsiktiga stödet och det skyddade boendet, medan brottsofferjouren har särskild kompetens om förundersökning, rättegång och vittnesstöd.

Samverkan omfattar:

- en gemensam introduktion där kvinnan träffar en kontaktperson från varje jour,
- förberedande besök i tingsrätten före huvudförhandlingen,
- stödperson i rättssalen och vid polisförhör,
- gemensam fortbildning för jourernas volontärer två gånger per år.

Jourerna har också en fast kontakt hos polisen och deltar i länets samverkansforum. De känner därför till [[gemensam-riskbedomning-med-sara-och-patriark-mellan-polis-och-socialtjanst]] och kan förklara för kvinnan hur den fungerar.

## Resultat

Sedan starten har drygt 300 kvinnor fått samordnat stöd. Jourernas uppföljning visar att färre kvinnor tar tillbaka sin medverkan under förundersökningen och att kvinnorna upplever rättegången som mer förutsägbar. Volontärerna uppger att de känner sig säkrare i sin roll när de kan hänvisa till varandra i stället för att gå utanför sitt område.

## Framgångsfaktorer

Tydlig rollfördelning mellan jourerna var nödvändig för att undvika konkurrens om samma kvinnor. Att samtycke till samverkan inhämtas skriftligt från början skapar trygghet för både kvinnan och volontärerna. Regelbundna avstämningar mellan jourernas samordnare gör att problem upptäcks i tid. Ideella verksamheter har dessutom ofta lättare att vinna kvinnornas förtroende än myndigheter.

## Överförbarhet

Modellen kan användas överallt där det finns både kvinnojour och brottsofferjour. Den kräver små resurser men förutsätter att jourerna har stabil finansiering och att volontärerna får handledning. Arbetssättet har också visat sig användbart för personer som vill lämna prostitution, se [[uppsokande-arbete-for-personer-som-saljer-sex-via-annonssajter]].
""",
        "organisations": ["kvinnojourerna-i-dalarna", "brottsofferjouren-dalarna"],
        "municipalities": ["Avesta", "Hedemora", "Säter"],
        "violence_forms": ["nara-relation", "prostitution-sexualiserat"],
        "goals": ["upptackt-skydd-stod", "brottsbekampning"],
        "target_groups": ["våldsutsatta kvinnor"],
        "measure_types": ["samverkan", "stod"],
        "evaluation": "uppfoljd",
        "period": {"start_year": 2017, "end_year": None},
        "contact": "samverkan@kvinnojourerna-dalarna.example",
        "tags": ["kvinnojour", "brottsofferjour", "rättsprocess", "stödperson"],
        "publish": True,
        "author": "lena.nyberg",
    },
    # 11
    {
        "title": "Länsgemensam datainsamling om våld i nära relation med Högskolan Dalarna",
        "summary": (
            "Högskolan Dalarna samlar varje år in avidentifierade uppgifter om stödärenden från "
            "socialtjänst, vård och jourer i länet med gemensamma definitioner. Resultaten används "
            "i länsgruppens prioriteringar och återkopplas till varje organisation."
        ),
        "body": """## Bakgrund

Länsgruppen saknade länge en samlad bild av hur många våldsutsatta som sökte stöd i Dalarna och vilka insatser de fick. Varje organisation förde sin egen statistik med olika definitioner, vilket gjorde det omöjligt att följa utvecklingen över tid eller jämföra kommuner på ett rättvist sätt.

## Vad gjordes

År 2020 fick Högskolan Dalarna i uppdrag av Länsstyrelsen att tillsammans med Region Dalarna utveckla en gemensam årlig datainsamling. Forskarna tog i samråd med länsgruppen fram ett kort frågeformulär med gemensamma definitioner av våld i nära relation och hedersrelaterat våld och förtryck.

Insamlingen bygger på följande principer:

- endast avidentifierade och sammanräknade uppgifter samlas in, aldrig uppgifter om enskilda,
- små tal redovisas inte, så att ingen ska kunna identifieras,
- samma frågor ställs varje år till socialtjänst, hälso- och sjukvård, kvinnojourer och brottsofferjour,
- resultaten presenteras för länsgruppen och återkopplas till varje organisation.

## Resultat

| År | Organisationer som svarade | Registrerade stödärenden | Varav hedersrelaterade |
| --- | --- | --- | --- |
| 2020 | 19 | 1480 | 61 |
| 2022 | 24 | 1910 | 88 |
| 2024 | 27 | 2140 | 97 |

En utvärdering visade att svarsfrekvensen ökade när formuläret förenklades och när organisationerna fick tillbaka sina egna siffror. Ökningen av antalet ärenden förklaras troligen främst av bättre registrering och fler rutinfrågor, till exempel inom [[kvinnofridsmottagning-med-rutinfragor-om-vald-i-halso-och-sjukvarden]], snarare än av att våldet har ökat.

## Framgångsfaktorer

Gemensamma definitioner och en enkel insamling var viktigare än detaljerade frågor. Högskolans roll som oberoende part gav trovärdighet, och att resultaten faktiskt användes i länsgruppens prioriteringar motiverade organisationerna att fortsätta svara.

## Överförbarhet

Formuläret och definitionerna kan användas av andra län. Den som vill göra en liknande insamling bör tidigt ta ställning till dataskydd och sekretess och planera för hur resultaten ska återkopplas. Utan återkoppling sjunker svarsviljan snabbt.
""",
        "organisations": ["hogskolan-dalarna", "lansstyrelsen-dalarna", "region-dalarna"],
        "municipalities": [],
        "violence_forms": ["nara-relation", "hedersrelaterat"],
        "goals": ["kunskap-metod"],
        "target_groups": ["yrkesverksamma"],
        "measure_types": ["datainsamling"],
        "evaluation": "utvarderad",
        "period": {"start_year": 2020, "end_year": 2024},
        "contact": "kvinnofridsdata@hogskolan-dalarna.example",
        "tags": ["statistik", "kartläggning", "forskning"],
        "publish": True,
        "author": "johan.ek",
    },
    # 12 (draft)
    {
        "title": "Stöd till våldsutsatta nyanlända kvinnor i samverkan med Migrationsverket",
        "summary": (
            "Migrationsverket, Arbetsförmedlingen och Avesta kommun når nyanlända kvinnor med "
            "information om rättigheter och stöd vid våld, och handläggarna har fått gemensam "
            "utbildning och en kontaktväg till socialtjänsten. Arbetet är ännu inte utvärderat."
        ),
        "body": """## Bakgrund

Nyanlända kvinnor som utsätts för våld har ofta begränsad kunskap om sina rättigheter och om vilket stöd som finns i Sverige. Många är beroende av partnern för bostad, ekonomi och uppehållstillstånd, vilket gör det svårare att berätta. Personal på Migrationsverket och Arbetsförmedlingen mötte kvinnor med tecken på våld men saknade rutiner för att hänvisa vidare.

## Vad gjordes

År 2022 inledde Migrationsverket ett samarbete med Arbetsförmedlingen och Avesta kommun för att nå nyanlända kvinnor tidigt. Arbetet har tre delar:

- informationsträffar för kvinnor i mindre grupper, med tolk, om lagstiftning, rätten till skydd och kommunens stöd,
- gemensam utbildning för handläggare på de tre organisationerna om att upptäcka våld och hedersrelaterat förtryck,
- en kontaktväg till kommunens socialtjänst där handläggare kan få råd utan att den enskilda identifieras.

Informationsträffarna hålls i anslutning till kommunens samhällsorientering och Arbetsförmedlingens etableringsinsatser, så att kvinnorna kan delta utan att det väcker frågor i familjen. Barnpassning ordnas under träffarna.

## Resultat

Arbetet har ännu inte utvärderats. Under de två första åren hölls ett trettiotal informationsträffar med sammanlagt cirka 250 deltagare. Handläggare beskriver att de nu vet hur de ska agera och att de oftare kontaktar socialtjänsten för råd. Några kvinnor har efter träffarna själva sökt stöd hos kvinnojouren.

## Framgångsfaktorer

Att informationen ges i små grupper och på kvinnornas eget språk har varit avgörande. Tolkar måste väljas med omsorg och får inte ha koppling till kvinnornas nätverk. Att myndigheterna har samma kunskapsbas gör att kvinnan får ett likartat bemötande oavsett var hon söker hjälp.

## Överförbarhet

Arbetssättet kan användas i alla kommuner som tar emot nyanlända. Det är viktigt att stödet i kommunen finns på plats innan informationen sprids. Skolans arbete med unga, se [[skolsamverkan-mot-hedersrelaterat-vald-och-barnaktenskap-i-ludvika]], är ett bra komplement när familjerna har barn i skolåldern.
""",
        "organisations": ["migrationsverket", "arbetsformedlingen", "avesta-kommun"],
        "municipalities": ["Avesta"],
        "violence_forms": ["hedersrelaterat", "nara-relation"],
        "goals": ["upptackt-skydd-stod", "forebyggande"],
        "target_groups": ["nyanlända", "våldsutsatta kvinnor", "yrkesverksamma"],
        "measure_types": ["information", "samverkan", "utbildning"],
        "evaluation": "ej-utvarderad",
        "period": {"start_year": 2022, "end_year": None},
        "contact": "etablering.dalarna@migrationsverket.example",
        "tags": ["nyanlända", "etablering", "samhällsorientering"],
        "publish": False,
        "author": "eva.strand",
    },
    # 13
    {
        "title": "Mentorer i våldsprevention på gymnasieskolorna i Leksand och Rättvik",
        "summary": (
            "Gymnasieskolorna i Leksand och Rättvik arbetar sedan 2016 med Mentorer i våldsprevention "
            "(MVP), där äldre elever leder samtal med yngre om våld, normer och civilkurage. En extern "
            "utvärdering visade ökad vilja att ingripa."
        ),
        "body": """## Bakgrund

Elevhälsan på gymnasieskolorna i Leksand och Rättvik uppmärksammade att flera elever berättade om kontrollerande beteenden i sina relationer, spridning av nakenbilder och sexuella trakasserier på fester. Skolorna ville arbeta förebyggande med hela elevgrupper snarare än enbart med enskilda ärenden.

## Vad gjordes

År 2016 införde de två kommunerna Mentorer i våldsprevention (MVP), en metod där äldre elever utbildas för att leda samtal med yngre elever om våld, normer och civilkurage. Metoden utgår från ett åskådarperspektiv: alla kan göra något när de ser att någon far illa.

Arbetet innehåller:

- utbildning av personal som blir handledare för mentorerna,
- en utbildning för elever i årskurs 2 som vill bli mentorer,
- sex samtalsträffar per klass i årskurs 1, där mentorerna leder diskussioner utifrån scenarier,
- information till vårdnadshavare och elevhälsa om vart elever kan vända sig.

Scenarierna handlar bland annat om svartsjuka och kontroll i parrelationer, sexuellt våld, kränkningar på nätet och köp av sexuella tjänster.

## Resultat

| Läsår | Utbildade mentorer | Klasser som deltog | Elever som nåddes |
| --- | --- | --- | --- |
| 2016/17 | 18 | 6 | 150 |
| 2019/20 | 31 | 11 | 270 |
| 2023/24 | 36 | 13 | 320 |

En extern utvärdering visade att eleverna efter samtalen i högre grad uppgav att de skulle ingripa om en kamrat blev kontrollerad eller utsatt. Mentorerna beskriver att de själva fått ökad självkänsla och kunskap om var man kan få stöd.

## Framgångsfaktorer

Rektorernas stöd och att samtalsträffarna är schemalagda har varit avgörande. Att unga pratar med unga skapar engagemang, men vuxna handledare behövs för att fånga upp elever som berättar om egna erfarenheter.

## Överförbarhet

Metoden kan användas på alla gymnasieskolor och har även anpassats för högstadiet. Skolor som arbetar mot hedersrelaterat våld kan kombinera metoden med en handlingsplan, se [[skolsamverkan-mot-hedersrelaterat-vald-och-barnaktenskap-i-ludvika]]. En förutsättning är att personalen får tid för handledning varje termin.
""",
        "organisations": ["leksands-kommun", "rattviks-kommun"],
        "municipalities": ["Leksand", "Rättvik"],
        "violence_forms": ["nara-relation", "prostitution-sexualiserat"],
        "goals": ["forebyggande"],
        "target_groups": ["unga"],
        "measure_types": ["forebyggande-insats", "utbildning"],
        "evaluation": "utvarderad",
        "period": {"start_year": 2016, "end_year": None},
        "contact": "mvp@leksand.example",
        "tags": ["mvp", "våldsprevention", "gymnasiet", "normer"],
        "publish": True,
        "author": "eva.strand",
    },
    # 14
    {
        "title": "Förebyggande arbete mot könsstympning inom mödrahälsovården",
        "summary": (
            "Region Dalarna har tillsammans med Ludvika kommun infört utbildning och en rutin för att "
            "fråga om könsstympning vid inskrivning i mödrahälsovården, med tolkstöd, "
            "kontaktvägar till socialtjänsten och remiss till specialistvård."
        ),
        "body": """## Bakgrund

I Dalarna bor kvinnor och flickor som kommer från länder där könsstympning är vanligt förekommande. Barnmorskor inom mödrahälsovården mötte kvinnor som var könsstympade men kände sig osäkra på hur de skulle ta upp frågan, vilken vård som kunde erbjudas och hur de skulle samtala om risken för att en dotter skulle utsättas.

## Vad gjordes

År 2021 startade Region Dalarna ett utvecklingsarbete mot könsstympning inom mödrahälsovården, med fokus på Borlänge och Ludvika. Ludvika kommun deltog med socialtjänst och elevhälsa. Arbetet omfattade:

- utbildning för barnmorskor, gynekologer och skolsköterskor om könsstympning, hälsokonsekvenser och lagstiftning,
- en rutin för att fråga om könsstympning vid inskrivning på barnmorskemottagningen,
- samtalsstöd med tolk och skriftlig information på flera språk om att könsstympning är förbjudet i Sverige, även när ingreppet görs utomlands,
- tydliga kontaktvägar till socialtjänsten vid oro för att en flicka riskerar att utsättas,
- remissväg till specialistmottagning för kvinnor som vill ha behandling för sina besvär.

## Resultat

Uppföljningen visar att frågan numera ställs vid nästan alla inskrivningar där det är aktuellt. Under 2023 identifierades ett sextiotal kvinnor som levt med könsstympning, och flera av dem fick för första gången vård för sina besvär. Barnmorskorna anger att samtalen om döttrarnas skydd har blivit mer naturliga när de ingår i rutinen. Socialtjänsten i Ludvika har tagit emot ett fåtal orosanmälningar som bedömts och följts upp.

## Framgångsfaktorer

Utbildningen genomfördes tillsammans med personer med egen erfarenhet från berörda grupper, vilket gav trovärdighet. Att frågan ställs på samma sätt till alla berörda minskar risken att enskilda kvinnor känner sig utpekade. Rutinen bygger vidare på arbetet i [[kvinnofridsmottagning-med-rutinfragor-om-vald-i-halso-och-sjukvarden]].

## Överförbarhet

Rutinen kan spridas till alla barnmorskemottagningar i länet och till elevhälsan. Det förutsätter att det finns en specialistmottagning att remittera till och att tolkarna har kunskap om ämnet. Förebyggande samtal med familjer bör alltid ske i samverkan med socialtjänsten.
""",
        "organisations": ["region-dalarna", "ludvika-kommun"],
        "municipalities": ["Borlänge", "Ludvika"],
        "violence_forms": ["hedersrelaterat"],
        "goals": ["forebyggande", "kunskap-metod"],
        "target_groups": ["yrkesverksamma", "nyanlända", "barn"],
        "measure_types": ["utbildning", "information"],
        "evaluation": "uppfoljd",
        "period": {"start_year": 2021, "end_year": None},
        "contact": "kvinnohalsa@regiondalarna.example",
        "tags": ["könsstympning", "mödrahälsovård", "barnmorskor"],
        "publish": True,
        "author": "sara.berg",
    },
]


# Two drafts sent for review that the identification check stops, so the review queue shows what a
# finding looks like. The numbers are invented (valid check digits, nobody's number); so are the names.
FLAGGED_EXAMPLES = [
    {
        "author": "maja.lind",
        "title": "Samordnat stöd efter polisanmälan i Falun",
        "summary": "Socialtjänsten och polisen i Falun tog kontakt samma dag som en anmälan om våld i nära "
                   "relation kom in, och erbjöd stödsamtal inom en vecka.",
        "body": "## Bakgrund\n\nUtkastet beskriver ett ärende för att visa arbetsgången. Kvinnan, "
                "870412-2384, ringde själv från 070-123 45 67 och bodde då på Åsgatan 38.\n\n"
                "## Vad gjordes\n\nSocialsekreteraren ringde upp samma dag och bokade ett första samtal.",
        "organisations": ["falu-kommun", "polismyndigheten"],
        "municipalities": ["Falun"],
        "violence_forms": ["nara-relation"],
        "goals": ["upptackt-skydd-stod"],
        "target_groups": ["våldsutsatta kvinnor"],
        "measure_types": ["stod", "samverkan"],
        "evaluation": "ej-utvarderad",
        "period": {"start_year": 2025, "end_year": None},
        "contact": "socialtjansten@falun.example",
        "tags": ["polisanmälan"],
    },
    {
        "author": "amina.yusuf",
        "title": "Barnsamtal i skyddat boende i Ludvika",
        "summary": "Barn som bor med sin mamma i skyddat boende fick egna samtal med en barnsamordnare, "
                   "i samarbete med Rädda Barnen.",
        "body": "## Bakgrund\n\nUtkastet utgår från ett barn, Elsa Granlund, som bodde med sin mamma på "
                "boendet i tre månader. Mamman nås på elsa.mamma@example.se.\n\n"
                "## Vad gjordes\n\nBarnsamordnaren träffade barnet varje vecka.",
        "organisations": ["ludvika-kommun", "radda-barnen-dalarna"],
        "municipalities": ["Ludvika"],
        "violence_forms": ["nara-relation"],
        "goals": ["upptackt-skydd-stod"],
        "target_groups": ["barn"],
        "measure_types": ["stod"],
        "evaluation": "uppfoljd",
        "period": {"start_year": 2024, "end_year": 2025},
        "contact": "barnsamordnare@ludvika.example",
        "tags": ["barn", "skyddat boende"],
    },
]


if __name__ == "__main__":
    import re
    import unicodedata

    def slugify(title: str) -> str:
        s = title.lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
        s = unicodedata.normalize("NFKD", s)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
        s = re.sub(r"[^a-z0-9]+", "-", s)
        return s.strip("-")

    KEYS = {
        "title", "summary", "body", "organisations", "municipalities", "violence_forms",
        "goals", "target_groups", "measure_types", "evaluation", "period", "contact",
        "tags", "publish", "author",
    }
    ORGS = {
        "lansstyrelsen-dalarna", "region-dalarna", "hogskolan-dalarna", "arbetsformedlingen",
        "migrationsverket", "aklagarkammaren-falun", "kriminalvarden", "polismyndigheten",
        "avesta-kommun", "borlange-kommun", "falu-kommun", "gagnefs-kommun", "hedemora-kommun",
        "leksands-kommun", "ludvika-kommun", "malung-salens-kommun", "mora-kommun",
        "orsa-kommun", "rattviks-kommun", "smedjebackens-kommun", "saters-kommun",
        "vansbro-kommun", "alvdalens-kommun", "kvinnojourerna-i-dalarna",
        "brottsofferjouren-dalarna", "radda-barnen-dalarna", "barnahus-dalarna",
    }
    MUNICIPALITIES = {
        "Avesta", "Borlänge", "Falun", "Gagnef", "Hedemora", "Leksand", "Ludvika",
        "Malung-Sälen", "Mora", "Orsa", "Rättvik", "Smedjebacken", "Säter", "Vansbro",
        "Älvdalen",
    }
    VIOLENCE = {"nara-relation", "hedersrelaterat", "prostitution-sexualiserat"}
    GOALS = {"forebyggande", "upptackt-skydd-stod", "brottsbekampning", "kunskap-metod"}
    MEASURES = {
        "forebyggande-insats", "stod", "utbildning", "samverkan", "riskbedomning",
        "behandling", "datainsamling", "information",
    }
    EVALUATIONS = {"ej-utvarderad", "uppfoljd", "utvarderad"}
    USERS = {
        "maja.lind": "falu-kommun",
        "ali.hassan": "borlange-kommun",
        "sara.berg": "region-dalarna",
        "erik.holm": "polismyndigheten",
        "lena.nyberg": "kvinnojourerna-i-dalarna",
        "johan.ek": "hogskolan-dalarna",
        "nora.dahl": "barnahus-dalarna",
        "peter.sjoberg": "kriminalvarden",
        "amina.yusuf": "ludvika-kommun",
    }
    COORDINATOR = "eva.strand"
    HEADINGS = ["## Bakgrund", "## Vad gjordes", "## Resultat", "## Framgångsfaktorer", "## Överförbarhet"]
    LINK = re.compile(r"\[\[([^\]]+)\]\]")
    TABLE_SEP = re.compile(r"^\|(\s*-{3,}\s*\|)+\s*$", re.M)
    BULLET = re.compile(r"^- \S", re.M)
    CONTACT = re.compile(r"^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.example$")

    assert len(EXAMPLES) == 14, len(EXAMPLES)
    slugs = [slugify(e["title"]) for e in EXAMPLES]
    assert len(set(slugs)) == 14, "slugs must be distinct"
    assert len({e["title"] for e in EXAMPLES}) == 14, "titles must be distinct"
    by_slug = dict(zip(slugs, EXAMPLES))

    bodies_with_links = 0
    bodies_with_tables = 0
    for slug, e in zip(slugs, EXAMPLES):
        where = f"[{slug}]"
        assert set(e) == KEYS, (where, set(e) ^ KEYS)
        assert 20 <= len(e["title"]) <= 90, (where, len(e["title"]))
        assert 150 <= len(e["summary"]) <= 500, (where, len(e["summary"]))
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", e["summary"].strip()) if s]
        assert 1 <= len(sentences) <= 3, (where, len(sentences))

        body = e["body"]
        positions = [body.find("\n" + h + "\n") if i else body.find(h + "\n") for i, h in enumerate(HEADINGS)]
        assert all(p >= 0 for p in positions), (where, positions)
        assert positions == sorted(positions), (where, "heading order")
        assert len(re.findall(r"^## ", body, re.M)) == 5, (where, "extra level-2 headings")
        assert BULLET.search(body), (where, "no bulleted list")
        if TABLE_SEP.search(body):
            bodies_with_tables += 1
        words_ws = len(body.split())
        words_re = len(re.findall(r"\w+", body))
        assert 250 <= words_ws <= 400 and 250 <= words_re <= 400, (where, words_ws, words_re)

        links = LINK.findall(body)
        for target in links:
            assert target in by_slug, (where, "broken link", target)
            assert target != slug, (where, "self link")
            if e["publish"]:
                assert by_slug[target]["publish"], (where, "published example links to draft", target)
        if links:
            bodies_with_links += 1

        orgs = e["organisations"]
        assert 1 <= len(orgs) <= 3 and len(set(orgs)) == len(orgs), where
        assert set(orgs) <= ORGS, (where, set(orgs) - ORGS)
        assert 0 <= len(e["municipalities"]) <= 4, where
        assert set(e["municipalities"]) <= MUNICIPALITIES, (where, e["municipalities"])
        assert 1 <= len(e["violence_forms"]) <= 2 and set(e["violence_forms"]) <= VIOLENCE, where
        assert 1 <= len(e["goals"]) <= 2 and set(e["goals"]) <= GOALS, where
        assert 1 <= len(e["target_groups"]) <= 3, where
        assert all(t == t.lower() for t in e["target_groups"]), where
        assert 1 <= len(e["measure_types"]) <= 3 and set(e["measure_types"]) <= MEASURES, where
        assert e["evaluation"] in EVALUATIONS, where
        p = e["period"]
        assert set(p) == {"start_year", "end_year"}, where
        assert isinstance(p["start_year"], int) and 2012 <= p["start_year"] <= 2025, where
        assert p["end_year"] is None or (
            isinstance(p["end_year"], int) and p["start_year"] <= p["end_year"] <= 2025
        ), where
        assert CONTACT.match(e["contact"]), (where, e["contact"])
        assert e["contact"].split("@")[0] not in USERS and not e["contact"].startswith(COORDINATOR), where
        assert 1 <= len(e["tags"]) <= 4 and all(t == t.lower() for t in e["tags"]), where
        assert isinstance(e["publish"], bool), where
        author = e["author"]
        assert author == COORDINATOR or USERS.get(author) == orgs[0], (where, author, orgs[0])

    def count(field: str) -> dict:
        c: dict = {}
        for e in EXAMPLES:
            for v in e[field]:
                c[v] = c.get(v, 0) + 1
        return c

    vf, gl, mt = count("violence_forms"), count("goals"), count("measure_types")
    assert all(vf.get(v, 0) >= 2 for v in VIOLENCE), vf
    assert all(gl.get(g, 0) >= 2 for g in GOALS), gl
    assert all(mt.get(m, 0) >= 1 for m in MEASURES), mt
    assert {e["evaluation"] for e in EXAMPLES} == EVALUATIONS
    assert sum(e["publish"] for e in EXAMPLES) == 11, "expected 11 published, 3 drafts"
    assert bodies_with_links >= 5, bodies_with_links
    assert bodies_with_tables >= 3, bodies_with_tables

    for slug, e in zip(slugs, EXAMPLES):
        status = "publicerad" if e["publish"] else "UTKAST"
        print(f"{len(e['body'].split()):4d} ord  {status:10s}  {slug}")
    print(f"violence_forms: {vf}")
    print(f"goals: {gl}")
    print(f"measure_types: {mt}")
    print(f"links in {bodies_with_links} bodies, tables in {bodies_with_tables} bodies")
    print("OK: all checks passed")
