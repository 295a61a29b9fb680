/// Believable Chinese names for demo agents and customers.
enum ChineseNames {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
    static let givenParts = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国平刚桂兰玉霞志红梅鹏飞琳晨宇浩然欣怡子涵雨轩思博文")

    /// A name of two or three characters.
    static func random(using random: inout SeededRandom) -> String {
        var name = String(surnames[Int(random.next() % UInt64(surnames.count))])
        let length = random.chance(0.6) ? 2 : 1
        for _ in 0..<length { name.append(givenParts[Int(random.next() % UInt64(givenParts.count))]) }
        return name
    }
}

import CallOpsCore
