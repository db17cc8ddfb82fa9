"""Demo listing ideas: activity, wellbeing, social contact and food.

Every name and description is invented.
"""

from assetmap.demo.listings import (
    ASSOCIATION,
    ECONOMY,
    HEALTH,
    INSTITUTION,
    OTHERS,
    SKILLS,
    SPACE,
    THEMSELVES,
    Listing,
)
from assetmap.demo.listings import listing as L
from assetmap.models import Cost

LOW, PAID = Cost.LOW_COST, Cost.PAID

ACTIVITY_LISTINGS: dict[str, list[Listing]] = {
    "Physical activity": [
        L(
            "Bangla Women's Walking Group",
            ASSOCIATION,
            ("Walking groups", "Women's groups"),
            "A friendly walk for Bengali-speaking women at an easy pace, with plenty of stops. "
            "Walkers meet at the park gates and finish with tea.",
            audience="Women",
            ages=(18, None),
            langs=("bn", "syl"),
            focus=(HEALTH, OTHERS),
        ),
        L(
            "{place} Health Walk",
            ASSOCIATION,
            "Walking groups",
            "A one-hour led walk on flat paths, for anyone getting back into activity. "
            "Volunteer walk leaders go at the pace of the slowest walker.",
            focus=(HEALTH,),
        ),
        L(
            "{place} Youth Football",
            ASSOCIATION,
            ("Sport and football", "Youth clubs"),
            "Free football coaching and five-a-side matches with qualified coaches. Boots can "
            "be borrowed.",
            audience="Young people",
            ages=(11, 19),
            when="eve",
            focus=(HEALTH,),
        ),
        L(
            "Chair-Based Exercise at {place}",
            ASSOCIATION,
            ("Exercise classes", "Activities for older people"),
            "Gentle seated exercise to music to build strength and balance. Good for anyone "
            "with limited mobility or worried about falls.",
            audience="Older people",
            ages=(60, None),
            cost=LOW,
            cost_note="£1 a session",
            focus=(HEALTH,),
        ),
        L(
            "{place} Tai Chi in the Park",
            ASSOCIATION,
            "Yoga and tai chi",
            "Slow, flowing tai chi outdoors, moving indoors when it rains. Beginners welcome; "
            "wear comfortable clothes.",
            when="early",
            focus=(HEALTH,),
        ),
        L(
            "Bollywood Dance Fitness ({place})",
            ASSOCIATION,
            ("Dance", "Exercise classes"),
            "An upbeat dance workout to Bollywood and bhangra hits. No experience needed: go "
            "at your own pace.",
            cost=LOW,
            cost_note="£3 a class",
            when="eve",
            focus=(HEALTH,),
        ),
        L(
            "Learn to Ride: {place} Cycle Sessions",
            ASSOCIATION,
            "Cycling",
            "Free cycle training for adults who never learned or want their confidence back. "
            "Bikes and helmets provided.",
            ages=(16, None),
            when="pm",
            focus=(HEALTH,),
        ),
        L(
            "{place} Leisure Centre Women-Only Swim",
            INSTITUTION,
            ("Swimming", "Women's groups"),
            "Women-only swimming with female lifeguards and covered windows. The first half "
            "hour is a lesson for beginners.",
            audience="Women",
            cost=LOW,
            cost_note="£2.50 a swim, free with a leisure card",
            when="eve",
            focus=(HEALTH,),
        ),
        L(
            "{place} Outdoor Gym",
            SPACE,
            "Exercise classes",
            "Free outdoor gym equipment in the park, open every day. A trainer runs a free "
            "introduction once a week.",
            when="early",
            focus=(HEALTH,),
        ),
        L(
            "Gentle Yoga for Beginners ({place})",
            ASSOCIATION,
            "Yoga and tai chi",
            "A slow yoga class with chairs for anyone who cannot get down to the floor.",
            cost=PAID,
            cost_note="£6 a class, £4 concessions",
            when="eve",
            focus=(HEALTH,),
        ),
        L(
            "Bike repair skills to share ({place})",
            SKILLS,
            ("Cycling", "Volunteering opportunities"),
            "A neighbour who fixes bikes and is happy to show others how to mend a puncture "
            "or adjust brakes.",
            when=None,
            focus=(OTHERS,),
        ),
    ],
    "Mental wellbeing": [
        L(
            "{place} Talking Café",
            ASSOCIATION,
            ("Talking and listening", "Peer support for mental health"),
            "A relaxed drop-in where trained volunteer listeners are there to talk over tea. "
            "No appointment and no need to give your name.",
            when="pm",
            focus=(HEALTH, THEMSELVES),
        ),
        L(
            "{place} Mindfulness Circle",
            ASSOCIATION,
            "Mindfulness and relaxation",
            "A 45-minute guided mindfulness session followed by tea. Mats and chairs "
            "provided; no experience needed.",
            when="eve",
            focus=(HEALTH,),
        ),
        L(
            "Hearing Voices Peer Group ({place})",
            ASSOCIATION,
            "Peer support for mental health",
            "A peer-led group for people who hear voices or have unusual experiences. "
            "Confidential, and you can just listen.",
            ages=(18, None),
            when="pm",
            focus=(HEALTH, THEMSELVES),
        ),
        L(
            "{place} Bereavement Café",
            ASSOCIATION,
            ("Bereavement support", "Talking and listening"),
            "A monthly café for anyone grieving, however long ago. Trained volunteers are "
            "there to listen.",
            monthly=True,
            focus=(HEALTH, OTHERS),
        ),
        L(
            "Men's Walk and Talk",
            ASSOCIATION,
            ("Peer support for mental health", "Walking groups", "Men's groups"),
            "A canal-side walk for men who want to talk, or just walk alongside others. Led by "
            "men with lived experience of mental ill health.",
            audience="Men",
            ages=(18, None),
            when="eve",
            focus=(HEALTH, OTHERS),
        ),
        L(
            "Sukoon Women's Wellbeing Circle",
            ASSOCIATION,
            ("Talking and listening", "Women's groups"),
            "Women share ways of coping with stress and low mood, in Bengali, Sylheti and "
            "Urdu. A counsellor joins once a month.",
            audience="Women",
            ages=(18, None),
            langs=("bn", "syl", "ur"),
            focus=(HEALTH, THEMSELVES),
        ),
        L(
            "Recovery College: Managing Anxiety",
            INSTITUTION,
            ("Peer support for mental health", "Adult learning"),
            "A free four-week course co-taught by a peer trainer and a clinician, with "
            "practical ways to manage anxiety.",
            ages=(18, None),
            course=True,
            focus=(HEALTH, THEMSELVES),
        ),
        L(
            "{place} Sound Bath and Relaxation",
            ASSOCIATION,
            "Mindfulness and relaxation",
            "Lie back on a mat and listen to gongs and singing bowls for an hour of deep "
            "relaxation.",
            cost=LOW,
            cost_note="£4 a session, free if you receive benefits",
            when="eve",
            focus=(HEALTH,),
        ),
    ],
    "Befriending and social": [
        L(
            "Chai and Chat Coffee Morning",
            ASSOCIATION,
            "Lunch clubs and coffee mornings",
            "Tea, biscuits and conversation for anyone who fancies company. Volunteers "
            "speak Bengali and Sylheti.",
            langs=("bn", "syl"),
            focus=(OTHERS,),
        ),
        L(
            "Somali Elders' Lunch Club",
            ASSOCIATION,
            ("Lunch clubs and coffee mornings", "Activities for older people"),
            "A hot halal lunch and an afternoon of conversation for Somali elders, with a "
            "health talk once a month.",
            ages=(60, None),
            langs=("so", "ar"),
            cost=LOW,
            cost_note="£2 for lunch",
            when="pm",
            focus=(OTHERS, HEALTH),
        ),
        L(
            "{place} Lunch Club",
            ASSOCIATION,
            ("Lunch clubs and coffee mornings", "Community meals"),
            "A two-course lunch and good company, followed by bingo or a quiz.",
            audience="Older people",
            ages=(60, None),
            cost=LOW,
            cost_note="£3 for a two-course lunch",
            when="pm",
            focus=(OTHERS,),
        ),
        L(
            "{place} Telephone Befriending",
            ASSOCIATION,
            "Befriending",
            "A volunteer rings you for a chat at the same time each week. For anyone who "
            "feels lonely or cut off.",
            when="pm",
            focus=(OTHERS,),
        ),
        L(
            "{place} Men's Shed",
            ASSOCIATION,
            ("Men's groups", "Crafts"),
            "A workshop where men (and anyone who likes tools) make, mend and chat. Tools "
            "provided; the kettle is always on.",
            audience="Men",
            ages=(18, None),
            focus=(OTHERS, THEMSELVES),
        ),
        L(
            "{place} Women's Social",
            ASSOCIATION,
            ("Women's groups", "Social clubs"),
            "Crafts, trips and guest speakers chosen by the members. Children under five welcome.",
            audience="Women",
            langs=("bn", "syl"),
            focus=(OTHERS,),
        ),
        L(
            "{place} Knit and Natter",
            ASSOCIATION,
            ("Social clubs", "Crafts"),
            "Bring your knitting or crochet, or learn from scratch with donated wool.",
            when="pm",
            focus=(OTHERS,),
        ),
        L(
            "Turkish Speakers' Social Club",
            ASSOCIATION,
            "Social clubs",
            "Tea, backgammon and Turkish newspapers, with help reading letters if you need it.",
            langs=("tr",),
            when="pm",
            focus=(OTHERS,),
            english=False,
        ),
        L(
            "Polish Community Coffee Afternoon",
            ASSOCIATION,
            "Lunch clubs and coffee mornings",
            "A monthly get-together for Polish speakers, with cake and local news.",
            langs=("pl",),
            monthly=True,
            when="pm",
            focus=(OTHERS,),
        ),
        L(
            "{place} Good Neighbours Scheme",
            ASSOCIATION,
            ("Befriending", "Support at home"),
            "Volunteers visit isolated neighbours for a chat, a walk or help with small jobs.",
            when=None,
            focus=(OTHERS,),
        ),
    ],
    "Food": [
        L(
            "Limehouse Food Pantry",
            ASSOCIATION,
            "Food banks and pantries",
            "A members' pantry: pay a small weekly fee and choose groceries worth much more, "
            "including fresh fruit and vegetables.",
            cost=LOW,
            cost_note="£3.50 a week for about £15 of food",
            when="pm",
            focus=(THEMSELVES,),
            home="poplar-limehouse",
        ),
        L(
            "{place} Food Pantry",
            ASSOCIATION,
            "Food banks and pantries",
            "Choose your own shopping from donated and surplus food for a small fee. No "
            "referral needed.",
            cost=LOW,
            cost_note="£4 a visit",
            when="pm",
            focus=(THEMSELVES,),
        ),
        L(
            "{place} Community Kitchen",
            ASSOCIATION,
            "Community meals",
            "A free hot meal cooked by volunteers from surplus food and eaten together. "
            "Everyone welcome, no questions asked.",
            when="eve",
            focus=(OTHERS,),
        ),
        L(
            "{place} Emergency Food Bank",
            INSTITUTION,
            "Food banks and pantries",
            "Three days of emergency food for people in crisis. Bring a voucher from a link "
            "worker, advice agency or GP practice.",
            focus=(OTHERS,),
        ),
        L(
            "Healthy Halal Cooking Course",
            ASSOCIATION,
            ("Cooking and healthy eating", "Diabetes"),
            "A six-week course cooking favourite dishes with less salt, oil and sugar. Take "
            "home what you cook.",
            langs=("bn", "syl"),
            course=True,
            focus=(HEALTH,),
        ),
        L(
            "{place} Community Fridge",
            SPACE,
            "Food banks and pantries",
            "A shared fridge stocked by local shops and neighbours. Take what you need, leave "
            "what you can.",
            when="open",
            focus=(OTHERS,),
        ),
        L(
            "{place} Supper Club",
            ASSOCIATION,
            ("Community meals", "Social clubs"),
            "A sit-down dinner cooked by a different neighbour each week, from a different "
            "part of the world.",
            cost=LOW,
            cost_note="Pay what you can, suggested £3",
            when="eve",
            focus=(OTHERS,),
        ),
        L(
            "{place} Fruit and Veg Stall",
            ECONOMY,
            "Cooking and healthy eating",
            "A market stall run as a social enterprise selling affordable fruit and "
            "vegetables. Healthy Start cards accepted.",
            cost=LOW,
            cost_note="Market prices, bags of seconds £1",
            when="open",
            focus=(HEALTH,),
        ),
    ],
}
